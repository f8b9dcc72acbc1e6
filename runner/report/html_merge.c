/* SPDX-License-Identifier: MIT */
/*
 * runner/report/html_merge.c - `pyntest merge --html`: the shards' JUnit
 * reports as one HTML report, on the page of html_page.c.
 *
 * The data is the JSON that html.c writes for a run, read back from the
 * testcases: the outcome from the child element (<failure>, <error> and
 * its type, <skipped>, none; flaky* siblings make a pass flaky), the
 * measurements from pyntest's testcase properties or, in the strict
 * flavour, from the suite's <system-out> lines.  Each report is a lane of
 * the timeline ("lanes" in the JSON, in shard order); a test's bar starts
 * at its `pyntest.start_s`.  A report without start times (another
 * tool's) has its tests laid end to end in report order, and the page
 * says so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outcome.h"
#include "runner/report/html.h"
#include "runner/report/html_merge.h"
#include "runner/report/report.h"
#include "runner/report/xml_read.h"

#define FLAKY PYN_OUTCOME_COUNT /* a kind beside the outcomes */

struct test {
	char *id, *suite, *msg, *type, *out, *err;
	char *body; /* failed assertions, one a line */
	int kind, raw; /* outcome numbers; kind may be FLAKY */
	char expected[64], signal[16];
	double time, start, cpu, lim_wall, lim_cpu;
	long long mem;
	unsigned long long lim_mem;
	unsigned leftover, lane;
	bool has_start, ran;
};

struct lane {
	const struct pyn__merge_input *in;
	char *host, *stamp;
	double time; /* <testsuites time=> */
	bool end_to_end;
};

struct page {
	struct lane *lanes;
	size_t n_lanes;
	struct test *tests;
	size_t n_tests;
};

static int outcome_named(const char *name)
{
	for (int o = 0; o < PYN_OUTCOME_COUNT; o++)
		if (name &&
		    !strcmp(name, pyn_outcome_name((enum pyn_outcome)o)))
			return o;
	return -1;
}

/* The outcome of <error type=T>: the one of that type, else error. */
static int error_kind(const char *type)
{
	for (int o = 0; o < PYN_OUTCOME_COUNT; o++) {
		const struct pyn__outcome_info *i =
			pyn__outcome_info((enum pyn_outcome)o);

		if (i && i->element == PYN__JUNIT_ERROR && i->type && type &&
		    !strcmp(i->type, type))
			return o;
	}
	return PYN_OUTCOME_ERROR;
}

/* A measurement, from a testcase property or a strict line's key=value. */
static void set(struct test *t, const char *key, const char *v)
{
	if (!strncmp(key, "pyntest.", 8))
		key += 8;
	if (!strcmp(key, "outcome") && outcome_named(v) >= 0)
		t->raw = outcome_named(v);
	else if (!strcmp(key, "expected"))
		snprintf(t->expected, sizeof(t->expected), "%s", v);
	else if (!strcmp(key, "start_s"))
		t->has_start = (t->start = strtod(v, NULL)) >= 0;
	else if (!strcmp(key, "cpu_time_s"))
		t->cpu = strtod(v, NULL);
	else if (!strcmp(key, "peak_memory_bytes") && v[0] >= '0' &&
		 v[0] <= '9')
		t->mem = strtoll(v, NULL, 10);
	else if (!strcmp(key, "limit.wall_time_s"))
		t->lim_wall = strtod(v, NULL);
	else if (!strcmp(key, "limit.cpu_time_s"))
		t->lim_cpu = strtod(v, NULL);
	else if (!strcmp(key, "limit.memory_bytes"))
		t->lim_mem = strtoull(v, NULL, 10);
	else if (!strcmp(key, "signal"))
		snprintf(t->signal, sizeof(t->signal), "%s", v);
	else if (!strcmp(key, "leftover_processes"))
		t->leftover = (unsigned)strtoul(v, NULL, 10);
}

/*
 * Past the end tag of the element whose start tag `t` was just read;
 * *inner gets the '<' of that end tag (the end of its content).
 */
static bool skip(const char **pos, const char *end,
		 const struct pyn__xml_tag *t, const char **inner)
{
	struct pyn__xml_tag c;
	int depth = 1;

	*inner = t->stop;
	if (t->empty)
		return true;
	while (depth > 0) {
		if (pyn__xml_next(pos, end, &c) <= 0)
			return false;
		if (c.closing)
			depth--;
		else if (!c.empty)
			depth++;
		*inner = c.start;
	}
	return true;
}

static void read_properties(const char **pos, const char *end,
			    const struct pyn__xml_tag *t, struct test *x)
{
	struct pyn__xml_tag p;
	const char *inner;

	while (!t->empty && pyn__xml_next(pos, end, &p) > 0 && !p.closing) {
		char *name = NULL, *value = NULL;

		if (pyn__xml_is(&p, "property") &&
		    pyn__xml_attr(&p, "name", &name) &&
		    pyn__xml_attr(&p, "value", &value))
			set(x, name, value);
		free(name);
		free(value);
		if (!skip(pos, end, &p, &inner))
			return;
	}
}

/*
 * Whether `line` (up to its '\n') is junit.c's "FILE:LINE: CONDITION" of a
 * failed assertion; fills the parts' lengths and the number.
 */
static bool assert_line(const char *line, size_t *file_len, unsigned *num,
			const char **cond)
{
	const char *end = strchr(line, '\n');

	if (!end)
		end = line + strlen(line);
	for (const char *c = line; c < end; c++) {
		const char *d = c + 1;

		if (*c != ':' || c == line || d >= end || *d < '0' || *d > '9')
			continue;
		while (d < end && *d >= '0' && *d <= '9')
			d++;
		if (d + 1 >= end || d[0] != ':' || d[1] != ' ')
			continue;
		if (file_len)
			*file_len = (size_t)(c - line);
		if (num)
			*num = (unsigned)strtoul(c + 1, NULL, 10);
		if (cond)
			*cond = d + 2;
		return true;
	}
	return false;
}

/* The failed assertions of `body` as the page's "asserts" and "more". */
static void asserts_json(FILE *f, const char *body)
{
	unsigned more = 0, k = 0;

	fputs(",\"asserts\":[", f);
	for (const char *line = body; line && *line;) {
		const char *end = strchr(line, '\n'), *cond;
		size_t file_len;
		unsigned num;

		if (!end)
			end = line + strlen(line);
		if (assert_line(line, &file_len, &num, &cond)) {
			fputs(k++ ? ",{\"file\":\"" : "{\"file\":\"", f);
			pyn__html_json_text(f, line, file_len);
			fprintf(f, "\",\"line\":%u,\"cond\":\"", num);
			pyn__html_json_text(f, cond, (size_t)(end - cond));
			fputs("\"}", f);
		} else {
			sscanf(line, "(%u more", &more);
		}
		line = *end ? end + 1 : end;
	}
	fprintf(f, "],\"more\":%u", more);
}

/* The testcase at `r` into `x`; false when memory ran out. */
static bool read_case(const struct pyn__range *r, struct test *x)
{
	const char *pos = r->start, *inner;
	struct pyn__xml_tag t, c;
	char *cls = NULL, *name = NULL, *v = NULL, *body = NULL;
	bool flaky = false, ok;

	x->kind = x->raw = -1;
	x->cpu = -1;
	x->mem = -1;
	if (pyn__xml_next(&pos, r->stop, &t) <= 0)
		return true;
	pyn__xml_attr(&t, "classname", &cls);
	pyn__xml_attr(&t, "name", &name);
	if (pyn__xml_attr(&t, "time", &v))
		x->time = strtod(v, NULL);
	free(v);
	if (!(x->time > 0))
		x->time = 0;
	ok = asprintf(&x->id, "%s.%s", cls ? cls : "", name ? name : "") >= 0;
	x->suite = cls;
	free(name);
	if (!ok) {
		x->id = NULL;
		return false;
	}
	while (!t.empty && pyn__xml_next(&pos, r->stop, &c) > 0 && !c.closing) {
		const char *from = c.stop;
		char **text = NULL;

		if (pyn__xml_is(&c, "properties")) {
			read_properties(&pos, r->stop, &c, x);
			continue;
		}
		if (pyn__xml_is(&c, "failure") || pyn__xml_is(&c, "error") ||
		    pyn__xml_is(&c, "skipped")) {
			pyn__xml_attr(&c, "type", &x->type);
			pyn__xml_attr(&c, "message", &x->msg);
			if (pyn__xml_is(&c, "failure"))
				x->kind = PYN_OUTCOME_FAIL;
			else if (pyn__xml_is(&c, "error"))
				x->kind = error_kind(x->type);
			else
				x->kind =
					x->msg && !strncmp(
							  x->msg,
							  PYN__NOT_RUN_PREFIX,
							  strlen(PYN__NOT_RUN_PREFIX)) ?
						PYN_OUTCOME_NOT_RUN :
						PYN_OUTCOME_SKIPPED;
			text = &body;
		} else if (c.name_len > 5 && !strncmp(c.name, "flaky", 5)) {
			flaky = true;
		} else if (pyn__xml_is(&c, "system-out")) {
			text = &x->out;
		} else if (pyn__xml_is(&c, "system-err")) {
			text = &x->err;
		}
		if (!skip(&pos, r->stop, &c, &inner))
			break;
		if (text && !*text && !(*text = pyn__xml_text(from, inner)))
			return false;
	}
	if (x->kind < 0)
		x->kind = flaky ? FLAKY : PYN_OUTCOME_PASS;
	/* Failed assertions for the page's list; other details after the
	 * message. */
	if (body && assert_line(body, NULL, NULL, NULL)) {
		x->body = body;
		return true;
	}
	if (body && body[0] && (!x->msg || strcmp(body, x->msg))) {
		char *both = NULL;

		if (!x->msg || !x->msg[0]) {
			free(x->msg);
			x->msg = body;
			return true;
		}
		if (asprintf(&both, "%s\n%s", x->msg, body) < 0) {
			free(body);
			return false;
		}
		free(x->msg);
		x->msg = both;
	}
	free(body);
	return true;
}

/* Strict flavour: "ID: outcome=... wall_time_s=... start_s=..." lines. */
static void read_lines(const char *text, struct test *tests, size_t n)
{
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char *copy = strndup(line, len), *sep, *tok, *save = NULL;
		char key[64] = "", val[256] = "";

		line = eol ? eol + 1 : NULL;
		sep = copy ? strstr(copy, ": ") : NULL;
		if (!sep) {
			free(copy);
			continue;
		}
		*sep = '\0';
		for (size_t i = 0; i < n; i++) {
			if (strcmp(tests[i].id, copy))
				continue;
			/* A value with spaces ("signal SIGSEGV") goes on. */
			for (tok = strtok_r(sep + 2, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save)) {
				char *eq = strchr(tok, '=');

				if (eq && (size_t)(eq - tok) < sizeof(key)) {
					if (key[0])
						set(&tests[i], key, val);
					snprintf(key, sizeof(key), "%.*s",
						 (int)(eq - tok), tok);
					snprintf(val, sizeof(val), "%s",
						 eq + 1);
				} else if (key[0]) {
					size_t l = strlen(val);

					snprintf(val + l, sizeof(val) - l,
						 " %s", tok);
				}
			}
			if (key[0])
				set(&tests[i], key, val);
			break;
		}
		free(copy);
	}
}

/* The report's first <testsuite>'s host and time stamp, its total time. */
static void read_head(struct lane *l)
{
	const char *pos = l->in->text, *end = pos + l->in->len;
	struct pyn__xml_tag t;
	char *v = NULL;

	while (pyn__xml_next(&pos, end, &t) > 0) {
		if (t.closing)
			continue;
		if (pyn__xml_is(&t, "testsuites") &&
		    pyn__xml_attr(&t, "time", &v)) {
			l->time = strtod(v, NULL);
			free(v);
		} else if (pyn__xml_is(&t, "testsuite")) {
			pyn__xml_attr(&t, "hostname", &l->host);
			pyn__xml_attr(&t, "timestamp", &l->stamp);
			return;
		}
	}
}

static int by_shard(const void *pa, const void *pb)
{
	const struct lane *a = pa, *b = pb;
	unsigned ka = a->in->shard_i ? a->in->shard_i : ~0u;
	unsigned kb = b->in->shard_i ? b->in->shard_i : ~0u;

	if (ka != kb)
		return ka < kb ? -1 : 1;
	return a->in < b->in ? -1 : a->in > b->in;
}

static int read_lane(struct page *p, size_t k)
{
	struct lane *l = &p->lanes[k];
	const struct pyn__merge_input *in = l->in;
	size_t first = p->n_tests;
	bool any_start = false;
	double at = 0;

	read_head(l);
	for (size_t i = 0; i < in->n_cases; i++) {
		struct test *x = &p->tests[p->n_tests++];

		x->lane = (unsigned)k;
		if (!read_case(&in->cases[i], x))
			return PYN_ENOMEM;
	}
	for (size_t i = 0; i < in->n_outs; i++) {
		char *text = pyn__xml_text(in->outs[i].start, in->outs[i].stop);

		if (!text)
			return PYN_ENOMEM;
		read_lines(text, p->tests + first, p->n_tests - first);
		free(text);
	}
	for (size_t i = first; i < p->n_tests; i++)
		any_start |= p->tests[i].has_start;
	l->end_to_end = !any_start;
	for (size_t i = first; i < p->n_tests; i++) {
		struct test *x = &p->tests[i];

		if (any_start) {
			x->ran = x->has_start;
		} else if (x->kind != PYN_OUTCOME_SKIPPED &&
			   x->kind != PYN_OUTCOME_NOT_RUN) {
			x->ran = true;
			x->start = at;
			at += x->time;
		}
	}
	return 0;
}

static const char *kind_name(int kind)
{
	return kind == FLAKY ? "flaky" :
			       pyn_outcome_name((enum pyn_outcome)kind);
}

static void test_json(FILE *f, const struct test *x, size_t i)
{
	int v = x->kind == FLAKY ? PYN_OUTCOME_PASS : x->kind;
	const char *msg = x->msg ? x->msg : "";

	fprintf(f, "%s\n{\"i\":%zu,\"id\":", i ? "," : "", i);
	pyn__html_json_str(f, x->id);
	fputs(",\"suite\":", f);
	pyn__html_json_str(f, x->suite ? x->suite : "");
	fputs(",\"manifest\":null,\"file\":null,\"line\":0,\"kind\":", f);
	pyn__html_json_str(f, kind_name(x->kind));
	fputs(",\"expected\":", f);
	pyn__html_json_str(f, x->expected[0] ? x->expected : "pass");
	fputs(",\"msg\":", f);
	pyn__html_json_str(f, msg);
	fputs(",\"lim\":{\"wall\":", f);
	pyn__html_json_num(f, x->lim_wall);
	fputs(",\"cpu\":", f);
	pyn__html_json_num(f, x->lim_cpu);
	fprintf(f, ",\"mem\":%llu},\"primary\":0,\"attempts\":[{\"v\":",
		x->lim_mem);
	pyn__html_json_str(f, kind_name(v));
	fputs(",\"raw\":", f);
	pyn__html_json_str(f, kind_name(x->raw >= 0 ? x->raw : v));
	fputs(",\"type\":", f);
	pyn__html_json_str(f, x->type ? x->type : "");
	fputs(",\"msg\":", f);
	pyn__html_json_str(f, msg);
	fprintf(f,
		",\"ran\":%s,\"slot\":%u,\"start\":", x->ran ? "true" : "false",
		x->lane);
	pyn__html_json_num(f, x->start);
	fputs(",\"wall\":", f);
	pyn__html_json_num(f, x->time);
	fputs(",\"cpu\":", f);
	if (x->cpu >= 0)
		pyn__html_json_num(f, x->cpu);
	else
		fputs("null", f);
	if (x->mem >= 0)
		fprintf(f, ",\"mem\":%lld", x->mem);
	else
		fputs(",\"mem\":null", f);
	fputs(",\"signal\":", f);
	pyn__html_json_str(f, x->signal[0] ? x->signal : NULL);
	fprintf(f, ",\"exit\":0,\"leftover\":%u,\"cut\":false", x->leftover);
	asserts_json(f, x->body);
	fputs(",\"out\":", f);
	pyn__html_json_str(f, x->out ? x->out : "");
	fputs(",\"err\":", f);
	pyn__html_json_str(f, x->err ? x->err : "");
	fputs("}]}", f);
}

static void lanes_json(FILE *f, const struct page *p)
{
	char label[64];
	size_t flat = 0;

	fputs(",\"lanes\":[", f);
	for (size_t k = 0; k < p->n_lanes; k++) {
		const struct lane *l = &p->lanes[k];

		if (l->in->shard_n)
			snprintf(label, sizeof(label), "shard %u/%u",
				 l->in->shard_i, l->in->shard_n);
		else
			snprintf(label, sizeof(label), "report %zu", k + 1);
		fputs(k ? ",{\"label\":" : "{\"label\":", f);
		pyn__html_json_str(f, label);
		fputs(",\"host\":", f);
		pyn__html_json_str(f, l->host);
		fputs(",\"file\":", f);
		pyn__html_json_str(f, l->in->path);
		fprintf(f, ",\"end_to_end\":%s}",
			l->end_to_end ? "true" : "false");
		flat += l->end_to_end && l->in->n_cases;
	}
	fputs("],\"tl_note\":", f);
	if (flat) {
		char note[160];

		snprintf(note, sizeof(note),
			 "%zu report%s without start times (not pyntest's): "
			 "%s tests are laid end to end in report order",
			 flat, flat == 1 ? "" : "s",
			 flat == 1 ? "its" : "their");
		pyn__html_json_str(f, note);
	} else {
		fputs("null", f);
	}
}

static int write_page(FILE *f, void *user)
{
	const struct page *p = user;
	const char *stamp = NULL;
	char hosts[512] = "", started[64] = "", merged[64];
	double duration = 0;

	for (size_t k = 0; k < p->n_lanes; k++) {
		const struct lane *l = &p->lanes[k];
		size_t n = strlen(hosts);

		if (l->stamp && (!stamp || strcmp(l->stamp, stamp) < 0))
			stamp = l->stamp;
		if (l->host && !strstr(hosts, l->host))
			snprintf(hosts + n, sizeof(hosts) - n, "%s%s",
				 n ? ", " : "", l->host);
		if (l->time > duration)
			duration = l->time;
	}
	for (size_t i = 0; i < p->n_tests; i++)
		if (p->tests[i].ran &&
		    p->tests[i].start + p->tests[i].time > duration)
			duration = p->tests[i].start + p->tests[i].time;
	if (stamp) {
		char *t;

		snprintf(started, sizeof(started), "%s", stamp);
		t = strchr(started, 'T');
		if (t)
			*t = ' ';
	}
	snprintf(merged, sizeof(merged), "%zu report%s", p->n_lanes,
		 p->n_lanes == 1 ? "" : "s");
	errno = 0;
	fputs(pyn__html_page_head, f);
	fputs("{\"version\":", f);
	pyn__html_json_str(f, PYN_VERSION_STRING);
	fputs(",\"host\":", f);
	pyn__html_json_str(f, hosts);
	fputs(",\"started\":", f);
	pyn__html_json_str(f, started);
	fputs(",\"duration\":", f);
	pyn__html_json_num(f, duration);
	fputs(",\"jobs\":0,\"shard\":null,\"manifests\":[],\"merged\":", f);
	pyn__html_json_str(f, merged);
	lanes_json(f, p);
	fputc(',', f);
	pyn__html_json_outcomes(f);
	fputs(",\"tests\":[", f);
	for (size_t i = 0; i < p->n_tests; i++)
		test_json(f, &p->tests[i], i);
	fputs("]}", f);
	fputs(pyn__html_page_tail, f);
	if (ferror(f))
		return errno ? errno : EIO;
	return 0;
}

int pyn__html_merge_write(const char *path, const struct pyn__merge_input *in,
			  size_t n, struct pyn_error *err)
{
	struct page p = { 0 };
	size_t total = 0;
	int rc = 0, return_rc = 0;

	for (size_t k = 0; k < n; k++)
		total += in[k].n_cases;
	p.lanes = calloc(n ? n : 1, sizeof(*p.lanes));
	p.tests = calloc(total ? total : 1, sizeof(*p.tests));
	if (!p.lanes || !p.tests) {
		rc = PYN_ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < n; k++)
		p.lanes[k].in = &in[k];
	p.n_lanes = n;
	qsort(p.lanes, n, sizeof(*p.lanes), by_shard);
	for (size_t k = 0; k < n && !rc; k++)
		rc = read_lane(&p, k);
	if (!rc)
		return_rc = pyn__report_write_atomic(path, "merged HTML report",
						     write_page, &p, err);
out:
	if (rc)
		return_rc = pyn__report_error(err, rc, "out of memory");
	for (size_t i = 0; i < p.n_tests; i++) {
		struct test *x = &p.tests[i];

		free(x->id);
		free(x->suite);
		free(x->msg);
		free(x->type);
		free(x->out);
		free(x->err);
		free(x->body);
	}
	for (size_t k = 0; k < p.n_lanes; k++) {
		free(p.lanes[k].host);
		free(p.lanes[k].stamp);
	}
	free(p.lanes);
	free(p.tests);
	return return_rc;
}
