/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-units.c - the one unit grammar (base/units.c), through
 * every door: the parser itself, a manifest (pyn_manifest_load_buffer,
 * with the error's FILE:LINE:COLUMN) and the C API (pyn_seconds and
 * pyn_bytes, looked up in libpyntest.so).  Each must give the answer of
 * every line of units-grammar.txt; the manifest schema is held to the
 * same table by tests/install/check_schema.py.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"
#include "config/manifest.h"
#include "unit.h"

#define MAX_ROWS 512

enum klass {
	K_VALUE,
	K_SYNTAX,
	K_UNIT,
	K_POSITIVE,
	K_RESOLUTION,
	K_LARGE,
	K_WHOLE,
	K_COUNT
};

static const char *const klass_names[K_COUNT] = {
	"value", "syntax", "unit", "positive", "resolution", "large", "whole",
};

struct row {
	unsigned line;
	int memory; /* 0: time */
	char text[256]; /* the value, or the pair's number */
	char unit[64]; /* the pair's unit */
	int pair;
	enum klass klass;
	double value;
};

static struct row rows[MAX_ROWS];
static size_t n_rows;

static int (*api_seconds)(const char *, double *, struct pyn_error *);
static int (*api_bytes)(const char *, uint64_t *, struct pyn_error *);

/* A JSON string at *p (escapes \" \\ \t \n) into out; NULL on a mistake. */
static const char *json_string(const char *p, char *out, size_t len)
{
	size_t n = 0;

	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		char c = *p++;

		if (c == '\\') {
			c = *p++;
			if (c == 't')
				c = '\t';
			else if (c == 'n')
				c = '\n';
			else if (c != '"' && c != '\\')
				return NULL;
		}
		if (n + 1 >= len)
			return NULL;
		out[n++] = c;
	}
	out[n] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

static int parse_row(char *line, unsigned lineno, struct row *r)
{
	char *input, *expect, *p;
	const char *q;
	int k;

	memset(r, 0, sizeof(*r));
	r->line = lineno;
	input = strchr(line, '\t');
	if (!input)
		return -1;
	*input++ = '\0';
	expect = strrchr(input, '\t');
	if (!expect)
		return -1;
	*expect++ = '\0';
	if (strcmp(line, "time") == 0)
		r->memory = 0;
	else if (strcmp(line, "memory") == 0)
		r->memory = 1;
	else
		return -1;
	if (input[0] == '[') {
		r->pair = 1;
		q = json_string(input + 1, r->text, sizeof(r->text));
		if (!q || strncmp(q, ", ", 2) != 0)
			return -1;
		q = json_string(q + 2, r->unit, sizeof(r->unit));
		if (!q || strcmp(q, "]") != 0)
			return -1;
	} else {
		q = json_string(input, r->text, sizeof(r->text));
		if (!q || *q)
			return -1;
	}
	p = strchr(expect, '\n');
	if (p)
		*p = '\0';
	if (strncmp(expect, "error ", 6) == 0) {
		for (k = 1; k < K_COUNT; k++)
			if (strcmp(expect + 6, klass_names[k]) == 0)
				break;
		if (k == K_COUNT)
			return -1;
		r->klass = (enum klass)k;
		return 0;
	}
	r->klass = K_VALUE;
	r->value = strtod(expect, &p);
	return *p ? -1 : 0;
}

static int suite_init(void)
{
	char line[1024];
	unsigned lineno = 0;
	void *lib;
	FILE *f = fopen(PYN_UNITS_TABLE, "r");

	if (!f) {
		perror(PYN_UNITS_TABLE);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (n_rows == MAX_ROWS ||
		    parse_row(line, lineno, &rows[n_rows]) != 0) {
			fprintf(stderr, "%s:%u: bad line\n", PYN_UNITS_TABLE,
				lineno);
			fclose(f);
			return -1;
		}
		n_rows++;
	}
	fclose(f);
	/* The C API as a program linking it sees it: libpyntest's exports. */
	lib = dlopen(PYN_LIBPYNTEST, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		fprintf(stderr, "%s\n", dlerror());
		return -1;
	}
	*(void **)&api_seconds = dlsym(lib, "pyn_seconds");
	*(void **)&api_bytes = dlsym(lib, "pyn_bytes");
	return api_seconds && api_bytes ? 0 : -1;
}

/* The class a message names: each error class has words of its own. */
static enum klass klass_of(const char *message)
{
	if (strstr(message, "below the 1 ms resolution"))
		return K_RESOLUTION;
	if (strstr(message, "is too large"))
		return K_LARGE;
	if (strstr(message, "whole number of bytes"))
		return K_WHOLE;
	if (strstr(message, "must be positive"))
		return K_POSITIVE;
	if (strstr(message, "missing unit"))
		return K_UNIT;
	if (strstr(message, "bad time value") ||
	    strstr(message, "bad memory value"))
		return K_SYNTAX;
	if (strstr(message, " unit "))
		return K_UNIT;
	return K_COUNT;
}

/* Does one door's answer match the row?  Says which door when not. */
static int same(const struct row *r, const char *door, int rc, double got,
		const struct pyn_error *err)
{
	enum klass k = rc ? klass_of(err->message) : K_VALUE;
	int ok;

	if (r->klass != K_VALUE)
		ok = rc != 0 && k == r->klass;
	else if (r->memory)
		ok = rc == 0 && got == r->value;
	else
		ok = rc == 0 && fabs(got - r->value) <= 1e-9 * r->value;
	if (!ok)
		fprintf(stderr,
			"\n  line %u (%s%s%s%s%s): %s gave %s%s%g, want %s %g\n",
			r->line, r->pair ? "[" : "'", r->text,
			r->pair ? ", " : "", r->pair ? r->unit : "",
			r->pair ? "]" : "'", door, rc ? klass_names[k] : "",
			rc ? ": " : "", rc ? 0.0 : got, klass_names[r->klass],
			r->value);
	if (!ok && rc)
		fprintf(stderr, "  (%s)\n", err->message);
	return ok;
}

/* base/units.c itself, with the manifest's wording. */
static int by_parser(const struct row *r)
{
	struct pyn_error err = { 0 };
	uint64_t b = 7;
	double s = 7;
	int rc;

	if (r->memory) {
		rc = pyn__memory_parse("memory limit", NULL, r->text,
				       r->pair ? r->unit : NULL, &b, &err);
		s = (double)b;
	} else {
		rc = pyn__time_parse("time limit", NULL, r->text,
				     r->pair ? r->unit : NULL, &s, &err);
	}
	/* Nothing is written on a failure. */
	if (rc && (r->memory ? b != 7 : s != 7))
		return 0;
	return same(r, "the parser", rc, s, &err);
}

/* YAML double-quoted: only \, " and control characters need escapes. */
static void yaml_quote(char *out, size_t len, const char *s)
{
	size_t n = 0;

	out[n++] = '"';
	for (; *s && n + 4 < len; s++) {
		if (*s == '"' || *s == '\\') {
			out[n++] = '\\';
			out[n++] = *s;
		} else if (*s == '\t' || *s == '\n') {
			out[n++] = '\\';
			out[n++] = *s == '\t' ? 't' : 'n';
		} else {
			out[n++] = *s;
		}
	}
	out[n++] = '"';
	out[n] = '\0';
}

/* A manifest setting it under `defaults:`; errors must point at it. */
static int by_manifest(const struct row *r)
{
	const char *key = r->memory ? "memory" : "wall_time";
	struct pyn_manifest *m = NULL;
	struct pyn_error err = { 0 };
	char yaml[1024], a[600], b[200], where[64];
	double got = 0;
	unsigned column = (unsigned)strlen(key) + 5;
	int rc;

	yaml_quote(a, sizeof(a), r->text);
	if (r->pair) {
		yaml_quote(b, sizeof(b), r->unit);
		snprintf(yaml, sizeof(yaml),
			 "defaults:\n  %s: [%s, %s]\nsuites: []\n", key, a, b);
	} else {
		snprintf(yaml, sizeof(yaml),
			 "defaults:\n  %s: %s\nsuites: []\n", key, a);
	}
	rc = pyn_manifest_load_buffer(&m, yaml, strlen(yaml), "m.yaml", "/",
				      &err);
	if (rc == 0) {
		got = r->memory ? (double)m->defaults.memory.bytes :
				  m->defaults.wall_time.seconds;
		pyn_manifest_free(m);
	} else {
		/* FILE:LINE:COLUMN of the value, and the manifest's code. */
		snprintf(where, sizeof(where), "m.yaml:2:%u: error: ", column);
		pyn_error_format(&err, yaml, sizeof(yaml));
		if (rc != PYN_EMANIFEST ||
		    strncmp(yaml, where, strlen(where))) {
			fprintf(stderr, "\n  line %u: manifest error '%s'\n",
				r->line, yaml);
			return 0;
		}
	}
	return same(r, "the manifest", rc, got, &err);
}

/* pyn_seconds() and pyn_bytes() (no pairs in the C API). */
static int by_api(const struct row *r)
{
	struct pyn_error err = { 0 };
	uint64_t b = 0;
	double s = 0;
	int rc;

	if (r->pair)
		return 1;
	if (r->memory) {
		rc = api_bytes(r->text, &b, &err);
		s = (double)b;
	} else {
		rc = api_seconds(r->text, &s, &err);
	}
	if (rc && rc != PYN_EINVAL)
		return 0;
	return same(r, "the C API", rc, s, &err);
}

static void test_table(void)
{
	unsigned seen[2][K_COUNT] = { { 0 } };
	size_t i;

	/* A table that lost its lines must not pass. */
	CU_ASSERT_FATAL(n_rows >= 100);
	for (i = 0; i < n_rows; i++) {
		CU_ASSERT(by_parser(&rows[i]));
		CU_ASSERT(by_manifest(&rows[i]));
		CU_ASSERT(by_api(&rows[i]));
		seen[rows[i].memory][rows[i].klass]++;
	}
	/* Every class of answer is asked of each kind it applies to. */
	for (int k = 0; k < K_COUNT; k++) {
		CU_ASSERT(k == K_WHOLE || seen[0][k] > 0);
		CU_ASSERT(k == K_RESOLUTION || seen[1][k] > 0);
	}
}

/* The exact words, where the table only checks the class. */
static void test_messages(void)
{
	struct pyn_error err = { 0 };
	double s = 0;
	uint64_t b = 0;

	CU_ASSERT_EQUAL(pyn__time_parse("wall time limit", NULL, "5sec", NULL,
					&s, &err),
			PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad time unit 'sec' in '5sec'; use ms, s, m or h");
	CU_ASSERT_EQUAL(pyn__memory_parse("memory limit",
					  "use null for no limit", "0", NULL,
					  &b, &err),
			PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"memory limit '0' must be positive (use null for no limit)");
	CU_ASSERT_EQUAL(
		pyn__memory_parse("memory limit", NULL, "64", "MBs", &b, &err),
		PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad memory unit 'MBs' in '[64, MBs]'; use B, KB, MB or GB");
	CU_ASSERT_EQUAL(
		pyn__time_parse("CPU time limit", NULL, "0.5", "ms", &s, &err),
		PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"CPU time limit '[0.5, ms]' is below the 1 ms resolution");
	CU_ASSERT_EQUAL(
		pyn__time_parse("time limit", NULL, "abc", NULL, &s, &err),
		PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad time value 'abc': use seconds or a number with a unit (500ms, 30s, 2m, 1.5h)");
	CU_ASSERT_EQUAL(api_bytes("1TB", &b, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad memory unit 'TB' in '1TB'; use B, KB, MB or GB");
	CU_ASSERT_EQUAL(api_seconds("0", &s, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"time '0' must be positive (0 in struct pyn_limits is no limit)");
	/* A NULL error pointer is allowed: only the code comes back. */
	CU_ASSERT_EQUAL(pyn__time_parse("t", NULL, "x", NULL, &s, NULL),
			PYN_EINVAL);
	CU_ASSERT_EQUAL(api_seconds(NULL, &s, NULL), PYN_EINVAL);
	CU_ASSERT_EQUAL(api_bytes("1MB", NULL, NULL), PYN_EINVAL);
}

static void test_none(void)
{
	CU_ASSERT_TRUE(pyn__units_is_none("null"));
	CU_ASSERT_TRUE(pyn__units_is_none("none"));
	CU_ASSERT_TRUE(pyn__units_is_none("None"));
	CU_ASSERT_TRUE(pyn__units_is_none("~"));
	CU_ASSERT_FALSE(pyn__units_is_none("0"));
	CU_ASSERT_FALSE(pyn__units_is_none("nothing"));
	CU_ASSERT_FALSE(pyn__units_is_none(NULL));
}

static CU_TestInfo tests[] = {
	{ "the grammar table: parser, manifest and C API agree", test_table },
	{ "the messages, word for word", test_messages },
	{ "null and none remove a limit", test_none },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "units", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
