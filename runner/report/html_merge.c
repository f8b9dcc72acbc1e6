/* SPDX-License-Identifier: MIT */
/*
 * runner/report/html_merge.c - `pyntest merge --html`: the shards' JUnit
 * reports as one HTML report, on the page of html_page.c.
 *
 * The data is the JSON that html.c writes for a run, read back from the
 * testcases (testcase_read.c).  Each report is a lane of the timeline
 * ("lanes" in the JSON, in shard order); a test's bar starts at its
 * `pyntest.start_s`.  A report without start times (another tool's) has
 * its tests laid end to end in report order, and the page says so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/report/html.h"
#include "runner/report/html_merge.h"
#include "runner/report/report.h"
#include "runner/report/testcase_read.h"
#include "runner/report/xml_read.h"

struct lane {
	const struct pyn__merge_input *in;
	char *host, *stamp;
	double time; /* <testsuites time=> */
	bool end_to_end;
};

struct page {
	struct lane *lanes;
	size_t n_lanes;
	struct pyn__testcase *tests;
	size_t n_tests;
};

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
		if (pyn__testcase_assert_line(line, &file_len, &num, &cond)) {
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
		struct pyn__testcase *x = &p->tests[p->n_tests++];

		x->lane = (unsigned)k;
		if (!pyn__testcase_read(&in->cases[i], x))
			return PYN_ENOMEM;
	}
	for (size_t i = 0; i < in->n_outs; i++) {
		char *text = pyn__xml_text(in->outs[i].start, in->outs[i].stop);

		if (!text)
			return PYN_ENOMEM;
		pyn__testcase_read_lines(text, p->tests + first,
					 p->n_tests - first);
		free(text);
	}
	for (size_t i = first; i < p->n_tests; i++)
		any_start |= p->tests[i].has_start;
	l->end_to_end = !any_start;
	for (size_t i = first; i < p->n_tests; i++) {
		struct pyn__testcase *x = &p->tests[i];

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
	return kind == PYN__KIND_FLAKY ?
		       "flaky" :
		       pyn_outcome_name((enum pyn_outcome)kind);
}

static void test_json(FILE *f, const struct pyn__testcase *x, size_t i)
{
	int v = x->kind == PYN__KIND_FLAKY ? PYN_OUTCOME_PASS : x->kind;
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
	for (size_t i = 0; i < p.n_tests; i++)
		pyn__testcase_release(&p.tests[i]);
	for (size_t k = 0; k < p.n_lanes; k++) {
		free(p.lanes[k].host);
		free(p.lanes[k].stamp);
	}
	free(p.lanes);
	free(p.tests);
	return return_rc;
}
