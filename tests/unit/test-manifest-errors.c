/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-manifest-errors.c - every mistake of a manifest, not
 * only the first: base/error_list.c (cap, order, printing) and
 * pyn_manifest_load_all() (which mistakes it goes on past, and which
 * consequences of a mistake it does not report again).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error_list.h"
#include "config/manifest.h"
#include "unit.h"

static void add(struct pyn__error_list *l, const char *file, unsigned line,
		unsigned column, const char *msg)
{
	struct pyn_error e;

	pyn_error_set(&e, PYN_EMANIFEST, file, line, column, "%s", msg);
	CU_ASSERT_EQUAL(pyn__error_list_add(l, &e), PYN_EMANIFEST);
}

static void test_list_cap_and_print(void)
{
	struct pyn__error_list l = { 0 };
	char *text = NULL, line[64];
	size_t len = 0;
	FILE *f;
	int i;

	for (i = 1; i <= 25; i++) {
		snprintf(line, sizeof(line), "mistake %d", i);
		add(&l, "m.yaml", (unsigned)i, 1, line);
	}
	CU_ASSERT_EQUAL(l.n, PYN__ERROR_LIST_MAX);
	CU_ASSERT_EQUAL(l.total, 25);
	CU_ASSERT_STRING_EQUAL(l.items[19].message, "mistake 20");
	f = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	pyn__error_list_print(f, &l);
	fclose(f);
	CU_ASSERT(strncmp(text, "m.yaml:1:1: error: mistake 1\n", 29) == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "m.yaml:20:1: error: mistake 20\n"
					    "... and 5 more errors\n"));
	CU_ASSERT_PTR_NULL(strstr(text, "mistake 21"));
	free(text);
	pyn__error_list_release(&l);
	CU_ASSERT_EQUAL(l.n + l.total, 0);

	/* One more than the cap: "error", not "errors". */
	l.max = 2;
	add(&l, "a", 1, 1, "x");
	add(&l, "a", 2, 1, "y");
	add(&l, "a", 3, 1, "z");
	text = NULL;
	f = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	pyn__error_list_print(f, &l);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(text, "a:1:1: error: x\na:2:1: error: y\n"
				     "... and 1 more error\n");
	free(text);
	pyn__error_list_release(&l);
}

static void test_list_sort(void)
{
	struct pyn__error_list l = { 0 };

	add(&l, "b.yaml", 9, 3, "b9");
	add(&l, "b.yaml", 2, 5, "b2");
	add(&l, "a.yaml", 4, 1, "a4");
	add(&l, "b.yaml", 2, 1, "b2c1");
	add(&l, "a.yaml", 1, 1, "a1");
	add(&l, "b.yaml", 2, 5, "b2 again");
	pyn__error_list_sort(&l);
	/* Files in the order first named, then line and column; stable. */
	CU_ASSERT_STRING_EQUAL(l.items[0].message, "b2c1");
	CU_ASSERT_STRING_EQUAL(l.items[1].message, "b2");
	CU_ASSERT_STRING_EQUAL(l.items[2].message, "b2 again");
	CU_ASSERT_STRING_EQUAL(l.items[3].message, "b9");
	CU_ASSERT_STRING_EQUAL(l.items[4].message, "a1");
	CU_ASSERT_STRING_EQUAL(l.items[5].message, "a4");
	pyn__error_list_release(&l);
}

/* Load `yaml` from a file with every error listed; returns the code. */
static int load_all(const char *yaml, struct pyn__error_list *l, char *path,
		    size_t path_len)
{
	struct pyn_manifest *m = (struct pyn_manifest *)1;
	char tmpl[] = "/tmp/pyn-errors-XXXXXX";
	int fd = mkstemp(tmpl), rc;
	FILE *f;

	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(yaml, f);
	fclose(f);
	snprintf(path, path_len, "%s", tmpl);
	rc = pyn_manifest_load_all(&m, tmpl, l);
	if (rc)
		CU_ASSERT_PTR_NULL(m);
	pyn_manifest_free(rc ? NULL : m);
	unlink(tmpl);
	return rc;
}

/* The listed errors as "LINE:COLUMN MESSAGE" lines. */
static const char *places(const struct pyn__error_list *l)
{
	static char out[8192];
	size_t used = 0, i;

	out[0] = '\0';
	for (i = 0; i < l->n && used < sizeof(out); i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used,
					 "%u:%u %s\n", l->items[i].line,
					 l->items[i].column,
					 l->items[i].message);
	return out;
}

#define EXPECT_ALL(yaml, want)                                                 \
	do {                                                                   \
		struct pyn__error_list l_ = { 0 };                             \
		char path_[64];                                                \
		int rc_ = load_all(yaml, &l_, path_, sizeof(path_));           \
		const char *got_ = places(&l_);                                \
		CU_ASSERT_EQUAL(rc_, PYN_EMANIFEST);                           \
		if (strcmp(got_, want))                                        \
			fprintf(stderr, "\n  got:\n%s  want:\n%s", got_,       \
				want);                                         \
		CU_ASSERT_STRING_EQUAL(got_, want);                            \
		CU_ASSERT_EQUAL(l_.total, l_.n);                               \
		for (size_t i_ = 0; i_ < l_.n; i_++)                           \
			CU_ASSERT_STRING_EQUAL(l_.items[i_].file, path_);      \
		pyn__error_list_release(&l_);                                  \
	} while (0)

static const char many[] = "version: 1\n"
			   "defaults:\n"
			   "  wall_tme: 5s\n"
			   "  memory: 4 parsecs\n"
			   "suites:\n"
			   "  - name: one\n"
			   "    library: l\n"
			   "    tests: [t, {name: u, retries: -1}, t]\n"
			   "    overrides:\n"
			   "      - {match: '*', isolaton: fork}\n"
			   "      - {wall_time: 1s}\n"
			   "  - name: two\n"
			   "    tests: [a]\n"
			   "  - name: one\n"
			   "    library: l\n"
			   "    discover: 'test_*'\n"
			   "    limiters: {'': {}, x: [1], y: {k: [2]}}\n"
			   "    expect: {signal: SIGNOPE}\n"
			   "plugins: {a: b}\n";

static void test_every_mistake(void)
{
	struct pyn_manifest *m = (struct pyn_manifest *)1;
	struct pyn_error err = { 0 };

	EXPECT_ALL(many,
		   "3:3 unknown key 'wall_tme'; did you mean 'wall_time'?\n"
		   "4:11 bad memory unit 'parsecs' in '4 parsecs'; use B, "
		   "KB, MB or GB\n"
		   "8:35 'retries' must be between 0 and 1000, not -1\n"
		   "8:40 duplicate test id 'one.t' (first at line 8)\n"
		   "10:22 unknown key 'isolaton'; did you mean 'isolation'?\n"
		   "11:9 override has no 'match'\n"
		   "12:5 suite 'two' needs 'library' or 'program'\n"
		   "14:11 duplicate suite name 'one' (first at line 6)\n"
		   "17:16 limiter name must not be empty\n"
		   "17:27 options of limiter 'x' must be a mapping "
		   "{key: value}, not a list\n"
		   "17:39 option 'k' of limiter 'y' must be a scalar, not "
		   "a list\n"
		   "18:22 unknown signal 'SIGNOPE'; use a name like SIGSEGV "
		   "or a number\n"
		   "19:10 'plugins' must be a list or a string, not a "
		   "mapping\n");

	/* Without a list: the first mistake only, as before. */
	CU_ASSERT_EQUAL(pyn_manifest_load_buffer(&m, many, strlen(many),
						 "m.yaml", NULL, &err),
			PYN_EMANIFEST);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_EQUAL(err.column, 3);
}

/* What one mistake spoils is not reported as a mistake of its own. */
static void test_no_echoes(void)
{
	/* A bad library is no missing one; a bad name no missing name. */
	EXPECT_ALL("suites:\n"
		   "  - name: s\n"
		   "    library: [x]\n"
		   "    tests: [t]\n"
		   "  - name: {a: b}\n"
		   "    library: l\n"
		   "    tests: [t]\n"
		   "  - library: l\n"
		   "    tests: [{name: [x]}, {function: {}}, t]\n",
		   "3:14 'library' must be a string, not a list\n"
		   "5:11 'name' must be a string, not a mapping\n"
		   "8:5 suite has no 'name'\n"
		   "9:20 'name' must be a string, not a list\n"
		   "9:37 'function' must be a string, not a mapping\n");
	/* A bad limit spoils nothing: what the suite lacks is said. */
	EXPECT_ALL("suites:\n"
		   "  - name: s\n"
		   "    wall_time: soon\n",
		   "2:5 suite 's' needs 'library' or 'program'\n"
		   "3:16 bad time value 'soon': use seconds or a number "
		   "with a unit (500ms, 30s, 2m, 1.5h)\n");
}

static void test_stops(void)
{
	struct pyn__error_list l = { 0 };
	struct pyn_manifest *m = (struct pyn_manifest *)1;
	char path[64];

	/* A syntax error: libyaml cannot go on, so one error. */
	CU_ASSERT_EQUAL(load_all("suites:\n  - name: [a\n  bogus: 1\n"
				 "  wall_tme: 1\n",
				 &l, path, sizeof(path)),
			PYN_ESYNTAX);
	CU_ASSERT_EQUAL(l.n, 1);
	CU_ASSERT_EQUAL(l.total, 1);
	CU_ASSERT_EQUAL(l.items[0].code, PYN_ESYNTAX);
	CU_ASSERT(l.items[0].line > 0);
	pyn__error_list_release(&l);

	/* Another version: its grammar is not known, so one error. */
	CU_ASSERT_EQUAL(load_all("version: 2\nsuites:\n  - name: s\n"
				 "    wall_tme: 1\n",
				 &l, path, sizeof(path)),
			PYN_EMANIFEST);
	CU_ASSERT_EQUAL(l.total, 1);
	CU_ASSERT_EQUAL(l.items[0].line, 1);
	pyn__error_list_release(&l);

	/* A file that cannot be read: listed, without a place. */
	CU_ASSERT_EQUAL(pyn_manifest_load_all(&m, "/nonexistent/m.yaml", &l),
			PYN_EIO);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL_FATAL(l.n, 1);
	CU_ASSERT_EQUAL(l.items[0].line, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(l.items[0].message, "cannot read"));
	pyn__error_list_release(&l);

	/* A good manifest lists nothing (a skip reason is no bad bool). */
	CU_ASSERT_EQUAL(
		load_all("suites:\n  - name: s\n    library: l\n"
			 "    tests: [t, {name: u, skip: needs a GPU}]\n",
			 &l, path, sizeof(path)),
		0);
	CU_ASSERT_EQUAL(l.total, 0);
}

static CU_TestInfo tests[] = {
	{ "the list keeps 20 and counts the rest", test_list_cap_and_print },
	{ "the list sorts by file, line, column", test_list_sort },
	{ "every mistake of a manifest, in order", test_every_mistake },
	{ "no mistake reported twice", test_no_echoes },
	{ "syntax and read errors stop the reader", test_stops },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "manifest-errors", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
