/* SPDX-License-Identifier: MIT */
/*
 * runner/merge_write.c - `pyntest merge`: the merged JUnit report and the
 * --html page of the reports read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/merge_internal.h"
#include "runner/report/html_merge.h"
#include "runner/report/report.h"

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\t':
		case '\n':
		case '\r':
			fprintf(f, "&#%d;", *s);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void ranges(FILE *f, const char *indent, const struct pyn__range *r,
		   size_t n, bool lines)
{
	for (size_t i = 0; i < n; i++) {
		fputs(indent, f);
		fwrite(r[i].start, 1, (size_t)(r[i].stop - r[i].start), f);
		if (lines)
			fputc('\n', f);
	}
}

int pyn__merge_write_junit(FILE *f, void *user)
{
	const struct pyn__merge *m = user;
	size_t t = 0, fl = 0, e = 0, k = 0;
	double time = 0;

	for (size_t i = 0; i < m->n_suites; i++) {
		t += m->suites[i].tests;
		fl += m->suites[i].failures;
		e += m->suites[i].errors;
		k += m->suites[i].skipped;
		time += m->suites[i].time;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f,
		"<testsuites name=\"pyntest\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"%zu\"",
		t, fl, e);
	if (m->root_skipped)
		fprintf(f, " skipped=\"%zu\"", k);
	fprintf(f, " time=\"%.3f\">\n", time);
	fprintf(f, "  <!-- pyntest.merged=%zu reports -->\n", m->n_in);
	for (size_t i = 0; i < m->n_suites; i++) {
		const struct pyn__merge_suite *s = &m->suites[i];

		fputs("  <testsuite name=\"", f);
		esc(f, s->name);
		fprintf(f,
			"\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
			"skipped=\"%zu\" time=\"%.3f\"",
			s->tests, s->failures, s->errors, s->skipped, s->time);
		if (s->timestamp) {
			fputs(" timestamp=\"", f);
			esc(f, s->timestamp);
			fputc('"', f);
		}
		if (s->hostname) {
			fputs(" hostname=\"", f);
			esc(f, s->hostname);
			fputc('"', f);
		}
		fputs(">\n", f);
		if (s->n_props) {
			/* Each report's properties once (they repeat). */
			fputs("    <properties>\n", f);
			for (size_t p = 0; p < s->n_props; p++) {
				size_t len = (size_t)(s->props[p].stop -
						      s->props[p].start);
				bool dup = false;

				for (size_t q = 0; q < p && !dup; q++)
					dup = (size_t)(s->props[q].stop -
						       s->props[q].start) ==
						      len &&
					      !memcmp(s->props[q].start,
						      s->props[p].start, len);
				if (!dup)
					ranges(f, "      ", &s->props[p], 1,
					       true);
			}
			fputs("    </properties>\n", f);
		}
		ranges(f, "    ", s->cases, s->n_cases, true);
		if (s->n_out) {
			fputs("    <system-out>", f);
			ranges(f, "", s->out, s->n_out, false);
			fputs("</system-out>\n", f);
		}
		if (s->n_err) {
			fputs("    <system-err>", f);
			ranges(f, "", s->err, s->n_err, false);
			fputs("</system-err>\n", f);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return ferror(f) ? EIO : 0;
}

/* --html: the reports on the HTML report's page (html_merge.c). */
int pyn__merge_write_html(const struct pyn__merge *m, const char *path,
			  struct pyn_error *err)
{
	struct pyn__merge_input *in = calloc(m->n_in + 1, sizeof(*in));
	int rc;

	if (!in)
		return pyn__report_error(err, PYN_ENOMEM, "out of memory");
	for (size_t i = 0; i < m->n_in; i++) {
		const struct pyn__merge_report *x = &m->in[i];

		in[i] = (struct pyn__merge_input){
			.path = x->path,
			.text = x->text,
			.len = x->len,
			.shard_i = x->shard_i,
			.shard_n = x->shard_n,
			.cases = x->cases,
			.n_cases = x->n_cases,
			.outs = x->outs,
			.n_outs = x->n_outs,
		};
	}
	rc = pyn__html_merge_write(path, in, m->n_in, err);
	free(in);
	return rc;
}
