/* SPDX-License-Identifier: MIT */
/*
 * runner/report/html.c - the HTML report (--html PATH).
 *
 * One file, readable offline years later: the page's CSS and script are
 * inline, and the run's data is one JSON document in a
 * <script type="application/json"> element that the script renders with
 * textContent only.  Test-supplied text therefore never becomes markup:
 * in the JSON every '<', '>' and '&' is a \u escape (no "</script>" can
 * close the element), and in the page it is text, not HTML.  A
 * Content-Security-Policy of default-src 'none' keeps the page from
 * fetching anything even if that promise were broken.
 *
 * The file is written like the JUnit report: beside its final name, then
 * renamed over it (pyn__report_write_atomic, below).
 */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/outcome.h"
#include "runner/report/html.h"

void pyn__html_json_text(FILE *f, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, run = 0;

	while (i < n) {
		unsigned char b = s[i];
		const char *rep = NULL;
		size_t len = 1;

		if (b >= 0x80) {
			len = pyn__utf8_len(s + i, n - i);
			if (!len) {
				rep = "\\ufffd";
				len = 1;
			} else if (len == 3 && b == 0xE2 && s[i + 1] == 0x80 &&
				   (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
				/* Line ends for JavaScript before ES2019. */
				rep = s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
			}
		} else if (b == '"') {
			rep = "\\\"";
		} else if (b == '\\') {
			rep = "\\\\";
		} else if (b == '\n') {
			rep = "\\n";
		} else if (b == '\r') {
			rep = "\\r";
		} else if (b == '\t') {
			rep = "\\t";
		} else if (b == '<') {
			rep = "\\u003c";
		} else if (b == '>') {
			rep = "\\u003e";
		} else if (b == '&') {
			rep = "\\u0026";
		} else if (b < 0x20) {
			rep = "\\ufffd";
		}
		if (rep) {
			fwrite(text + i - run, 1, run, f);
			run = 0;
			fputs(rep, f);
		} else {
			run += len;
		}
		i += len;
	}
	fwrite(text + n - run, 1, run, f);
}

static void jstr(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	pyn__html_json_text(f, s, strlen(s));
	fputc('"', f);
}

/* JSON has no NaN or infinity: a broken measurement is null. */
static void jnum(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6f", v);
	else
		fputs("null", f);
}

/*
 * Captured output as a JSON string, cut at the test's output_limit with
 * the JUnit report's marker and its warning about leftover processes.
 */
static void joutput(FILE *f, const char *buf, size_t len, uint64_t total,
		    size_t limit, const char *note)
{
	size_t keep = buf ? len : 0;
	char a[32], b[32], mark[128];
	bool open_line;

	if (total < keep)
		total = keep;
	if (limit && keep > limit)
		keep = limit;
	open_line = keep && buf[keep - 1] != '\n';
	fputc('"', f);
	if (keep)
		pyn__html_json_text(f, buf, keep);
	if (total > keep) {
		snprintf(mark, sizeof(mark),
			 "%s[pyntest: output cut at %s of %s]",
			 open_line ? "\n" : "",
			 pyn__format_bytes(keep, a, sizeof(a)),
			 pyn__format_bytes(total, b, sizeof(b)));
		pyn__html_json_text(f, mark, strlen(mark));
	}
	if (note) {
		if (total > keep || open_line)
			fputs("\\n", f);
		pyn__html_json_text(f, note, strlen(note));
	}
	fputc('"', f);
}

/* Whether the attempt started a process (a bar on the timeline). */
static bool attempt_ran(const struct pyn__report_entry *e,
			const struct pyn__attempt *a)
{
	return !e->test->skip &&
	       (a->result.wall_time_s > 0 || a->result.start_s > 0);
}

static void attempt_json(FILE *f, const struct pyn__report_entry *e,
			 const struct pyn__attempt *a, size_t limit)
{
	const struct pyn__run *r = &a->result;
	unsigned left = r->leftover_processes;
	char note[128];
	struct pyn__text t;

	fputs("{\"v\":", f);
	jstr(f, pyn_outcome_name(a->verdict));
	fputs(",\"raw\":", f);
	jstr(f, pyn_outcome_name(r->outcome));
	fputs(",\"type\":", f);
	jstr(f,
	     a->verdict == PYN_OUTCOME_PASS ? "" : pyn__attempt_error_type(a));
	fputs(",\"msg\":", f);
	jstr(f, a->message ? a->message : "");
	fprintf(f, ",\"ran\":%s,\"slot\":%u,\"start\":",
		attempt_ran(e, a) ? "true" : "false", r->slot);
	jnum(f, r->start_s);
	fputs(",\"wall\":", f);
	jnum(f, r->wall_time_s);
	fputs(",\"cpu\":", f);
	jnum(f, r->cpu_time_s);
	if (r->peak_memory_bytes >= 0)
		fprintf(f, ",\"mem\":%lld", (long long)r->peak_memory_bytes);
	else
		fputs(",\"mem\":null", f);
	fputs(",\"signal\":", f);
	if (r->term_signal) {
		const char *sig = sigabbrev_np(r->term_signal);
		char v[32];

		snprintf(v, sizeof(v), "SIG%s", sig ? sig : "?");
		jstr(f, v);
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\"exit\":%d,\"leftover\":%u,\"cut\":%s,\"asserts\":[",
		r->exit_code, left,
		r->out_total > r->out_len || r->err_total > r->err_len ||
				(limit &&
				 (r->out_len > limit || r->err_len > limit)) ?
			"true" :
			"false");
	for (unsigned i = 0; i < r->n_kept; i++) {
		const struct pyn_failure *fl = &r->failures[i];

		fputs(i ? ",{\"file\":" : "{\"file\":", f);
		jstr(f, fl->file);
		fprintf(f, ",\"line\":%u,\"cond\":", fl->line);
		jstr(f, fl->condition);
		fputc('}', f);
	}
	fprintf(f, "],\"more\":%u,\"out\":",
		r->n_failures > r->n_kept ? r->n_failures - r->n_kept : 0);
	pyn__run_text(r, false, &t);
	joutput(f, t.buf, t.len, r->out_total, limit, NULL);
	pyn__text_release(&t);
	snprintf(note, sizeof(note),
		 "[pyntest: warning: the test left %u process%s running; "
		 "pyntest killed %s]",
		 left, left == 1 ? "" : "es", left == 1 ? "it" : "them");
	fputs(",\"err\":", f);
	pyn__run_text(r, true, &t);
	joutput(f, t.buf, t.len, r->err_total, limit, left ? note : NULL);
	pyn__text_release(&t);
	fputc('}', f);
}

static void entry_json(FILE *f, const struct pyn__report_entry *e, size_t i)
{
	const struct pyn_plan_test *t = e->test;
	const struct pyn__attempt *primary = pyn__entry_primary(e);
	size_t limit = t->limits->capture_output ? t->limits->output_limit : 0;
	const char *kind;

	if (pyn__entry_is_flaky(e))
		kind = "flaky";
	else
		kind = pyn_outcome_name(pyn__entry_verdict(e));
	fprintf(f, "%s\n{\"i\":%zu,\"id\":", i ? "," : "", i);
	jstr(f, t->id ? t->id : "");
	fputs(",\"suite\":", f);
	jstr(f, t->suite ? t->suite : "");
	fputs(",\"manifest\":", f);
	jstr(f, t->manifest);
	fputs(",\"file\":", f);
	jstr(f, t->file);
	fprintf(f, ",\"line\":%u,\"kind\":", t->line);
	jstr(f, kind);
	fputs(",\"expected\":", f);
	jstr(f, pyn__given(e->expected) ? e->expected : "pass");
	fputs(",\"msg\":", f);
	jstr(f, pyn__entry_message(e));
	fputs(",\"lim\":{\"wall\":", f);
	jnum(f, t->limits->wall_time_s > 0 ? t->limits->wall_time_s : 0);
	fputs(",\"cpu\":", f);
	jnum(f, t->limits->cpu_time_s > 0 ? t->limits->cpu_time_s : 0);
	fprintf(f, ",\"mem\":%llu},\"primary\":",
		(unsigned long long)t->limits->memory_bytes);
	if (primary)
		fprintf(f, "%zu", (size_t)(primary - e->attempts));
	else
		fputs("null", f);
	fputs(",\"attempts\":[", f);
	for (size_t k = 0; k < e->n_attempts; k++) {
		if (k)
			fputc(',', f);
		attempt_json(f, e, &e->attempts[k], limit);
	}
	fputs("]}", f);
}

void pyn__html_json_str(FILE *f, const char *s)
{
	jstr(f, s);
}

void pyn__html_json_num(FILE *f, double v)
{
	jnum(f, v);
}

void pyn__html_json_outcomes(FILE *f)
{
	/* The outcomes, from base/outcome.h: the page keeps no list. */
	fputs("\"outcomes\":[", f);
	for (int o = 0; o < PYN_OUTCOME_COUNT; o++) {
		const struct pyn__outcome_info *info =
			pyn__outcome_info((enum pyn_outcome)o);

		fputs(o ? ",{\"name\":" : "{\"name\":", f);
		jstr(f, pyn_outcome_name((enum pyn_outcome)o));
		fputs(",\"label\":", f);
		jstr(f, info->label);
		fprintf(f, ",\"failed\":%s}",
			pyn__outcome_is_failed((enum pyn_outcome)o) ? "true" :
								      "false");
	}
	fputc(']', f);
}

static void data_json(FILE *f, const struct pyn__report *r)
{
	char stamp[64], host[256];
	time_t when = (time_t)r->start_epoch_s;
	struct tm tm;

	if (!gmtime_r(&when, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(stamp, sizeof(stamp), "unknown");
	if (gethostname(host, sizeof(host)) || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';

	fputs("{\"version\":", f);
	jstr(f, PYN_VERSION_STRING);
	fputs(",\"host\":", f);
	jstr(f, host);
	fputs(",\"started\":", f);
	jstr(f, stamp);
	fputs(",\"duration\":", f);
	jnum(f, r->duration_s > 0 ? r->duration_s : 0);
	fprintf(f, ",\"jobs\":%u,\"shard\":", r->jobs);
	jstr(f, r->shard);
	fputs(",\"manifests\":[", f);
	for (size_t i = 0; i < r->n_manifests; i++) {
		if (i)
			fputc(',', f);
		jstr(f, r->manifests[i]);
	}
	fputs("],", f);
	pyn__html_json_outcomes(f);
	fputs(",\"tests\":[", f);
	for (size_t i = 0; i < r->n_entries; i++)
		entry_json(f, &r->entries[i], i);
	fputs("]}", f);
}

static int write_page(FILE *f, void *user)
{
	const struct pyn__report *r = user;

	errno = 0;
	fputs(pyn__html_page_head, f);
	data_json(f, r);
	fputs(pyn__html_page_tail, f);
	if (ferror(f))
		return errno ? errno : EIO;
	return 0;
}

int pyn__html_write_stream(const struct pyn__report *r, FILE *f,
			   struct pyn_error *err)
{
	int e = write_page(f, (void *)r);

	if (e || fflush(f))
		return pyn__report_error(err, PYN_EIO,
					 "cannot write HTML report: %s",
					 strerror(e ? e : errno));
	return 0;
}

int pyn__html_write(const struct pyn__report *r, const char *path,
		    struct pyn_error *err)
{
	return pyn__report_write_atomic(path, "HTML report", write_page,
					(void *)r, err);
}
