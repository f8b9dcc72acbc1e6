/* SPDX-License-Identifier: MIT */
/*
 * runner/report/events.c - the JSON event stream (--format json on
 * stdout, --events PATH to a file): one JSON object a line, flushed as it
 * happens, for tools that follow a run.  docs/formats.md is its schema;
 * every event carries "version" (PYN__EVENTS_VERSION).
 *
 *   run_start   before the first test starts
 *   test_start  a test's process was started (once, not per retry)
 *   test_end    its last attempt ended, or it never started (not_run)
 *   run_end     counts, duration and the exit status
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pyntest/version.h>

#include "base/outcome.h"
#include "runner/report/stream.h"
#include "runner/report/stream_text.h"

static double since(const struct pyn__events *ev)
{
	return pyn__now() - ev->t0;
}

static void jstr(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	pyn__quoted(f, s, strlen(s), 0);
}

static void jnum(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6f", v);
	else
		fputs("null", f);
}

static void head(const struct pyn__events *ev, const char *event)
{
	fprintf(ev->out,
		"{\"version\":%d,\"event\":\"%s\",\"t\":", PYN__EVENTS_VERSION,
		event);
	jnum(ev->out, since(ev));
}

static void test_fields(FILE *f, const struct pyn_plan_test *t)
{
	fputs(",\"id\":", f);
	jstr(f, t->id);
	fputs(",\"suite\":", f);
	jstr(f, t->suite);
	fputs(",\"name\":", f);
	jstr(f, t->name);
}

static void started(void *user, const struct pyn__report_entry *e)
{
	struct pyn__events *ev = user;

	head(ev, "test_start");
	test_fields(ev->out, e->test);
	fputs("}\n", ev->out);
	fflush(ev->out);
}

static void output(FILE *f, const char *key, const char *s, size_t n,
		   uint64_t total)
{
	fprintf(f, ",\"%s\":", key);
	pyn__quoted(f, s ? s : "", s ? n : 0, 0);
	fprintf(f, ",\"%s_bytes\":%llu", key, (unsigned long long)total);
}

static void finished(void *user, const struct pyn__report_entry *e)
{
	struct pyn__events *ev = user;
	size_t i = (size_t)(e->test - ev->plan->tests);
	const struct pyn__attempt *a = pyn__entry_primary(e);
	const struct pyn_plan_test *t = e->test;
	const struct pyn_limits *l = t->limits;
	bool not_run = pyn__entry_is_not_run(e);
	enum pyn_outcome v =
		not_run ? PYN_OUTCOME_NOT_RUN : pyn__entry_verdict(e);
	FILE *f = ev->out;
	const char *hit;

	if (i < ev->plan->n_tests) {
		if (ev->ended[i])
			return;
		ev->ended[i] = true;
	}
	head(ev, "test_end");
	test_fields(f, t);
	fprintf(f, ",\"outcome\":\"%s\",\"verdict\":\"%s\",\"expected\":",
		pyn_outcome_name(a && !not_run ? a->result.outcome : v),
		pyn_outcome_name(v));
	jstr(f, e->expected ? e->expected : "");
	fprintf(f, ",\"met\":%s,\"flaky\":%s,\"attempts\":%zu",
		v == PYN_OUTCOME_PASS ? "true" : "false",
		pyn__entry_is_flaky(e) ? "true" : "false", e->n_attempts);
	fputs(",\"message\":", f);
	jstr(f, pyn__entry_message(e));
	fputs(",\"file\":", f);
	jstr(f, t->file);
	fprintf(f, ",\"line\":%u,\"limits\":{\"wall_time_s\":", t->line);
	if (l->wall_time_s > 0)
		jnum(f, l->wall_time_s);
	else
		fputs("null", f);
	fputs(",\"cpu_time_s\":", f);
	if (l->cpu_time_s > 0)
		jnum(f, l->cpu_time_s);
	else
		fputs("null", f);
	fputs(",\"memory_bytes\":", f);
	if (l->memory_bytes)
		fprintf(f, "%llu", (unsigned long long)l->memory_bytes);
	else
		fputs("null", f);
	fputc('}', f);
	if (!a || not_run) {
		fputs(",\"duration_s\":null,\"cpu_time_s\":null"
		      ",\"peak_memory_bytes\":null,\"limit_hit\":null}\n",
		      f);
		fflush(f);
		return;
	}
	fputs(",\"duration_s\":", f);
	jnum(f, a->result.wall_time_s);
	fputs(",\"cpu_time_s\":", f);
	jnum(f, a->result.cpu_time_s);
	if (a->result.peak_memory_bytes >= 0)
		fprintf(f, ",\"peak_memory_bytes\":%lld",
			(long long)a->result.peak_memory_bytes);
	else
		fputs(",\"peak_memory_bytes\":null", f);
	hit = pyn__limit_hit(a->result.outcome);
	fputs(",\"limit_hit\":", f);
	jstr(f, hit);
	fprintf(f, ",\"exit_code\":%d,\"signal\":%d,\"leftover_processes\":%u",
		a->result.exit_code, a->result.term_signal,
		a->result.leftover_processes);
	for (int k = 0; k < 2; k++) {
		struct pyn__text txt;

		pyn__run_text(&a->result, k, &txt);
		output(f, k ? "stderr" : "stdout", txt.buf, txt.len,
		       k ? a->result.err_total : a->result.out_total);
		pyn__text_release(&txt);
	}
	fputs("}\n", f);
	fflush(f);
}

int pyn__events_begin(struct pyn__events *ev, FILE *out, const char *path,
		      const struct pyn_plan *plan, unsigned jobs,
		      const char *const *manifests, size_t n_manifests,
		      struct pyn_error *err)
{
	struct timespec now;

	memset(ev, 0, sizeof(*ev));
	ev->ended = calloc(plan->n_tests ? plan->n_tests : 1, 1);
	if (!ev->ended)
		return pyn__report_error(err, PYN_ENOMEM, "out of memory");
	ev->plan = plan;
	if (!out) {
		out = fopen(path, "w");
		if (!out) {
			int e = errno;

			free(ev->ended);
			ev->ended = NULL;
			return pyn__report_error(err, PYN_EIO,
						 "cannot write the events to "
						 "'%s': %s",
						 path, strerror(e));
		}
		ev->owned = true;
	}
	ev->out = out;
	ev->t0 = pyn__now();
	ev->listener.started = started;
	ev->listener.finished = finished;
	ev->listener.user = ev;
	clock_gettime(CLOCK_REALTIME, &now);
	head(ev, "run_start");
	fprintf(out, ",\"pyntest\":\"%s\",\"time\":", PYN_VERSION_STRING);
	jnum(out, (double)now.tv_sec + now.tv_nsec / 1e9);
	fprintf(out, ",\"tests\":%zu,\"jobs\":%u,\"manifests\":[",
		plan->n_tests, jobs);
	for (size_t i = 0; i < n_manifests; i++) {
		if (i)
			fputc(',', out);
		jstr(out, manifests[i]);
	}
	fputs("]}\n", out);
	fflush(out);
	return 0;
}

void pyn__events_end(struct pyn__events *ev, const struct pyn__report *r,
		     bool interrupted, int exit_status)
{
	struct pyn__counts c;
	FILE *f = ev->out;

	if (!f)
		return;
	/* Every test gets its test_end: the ones never started too. */
	for (size_t i = 0; i < r->n_entries; i++)
		finished(ev, &r->entries[i]);
	pyn__report_count(r, &c);
	head(ev, "run_end");
	fputs(",\"duration_s\":", f);
	jnum(f, r->duration_s);
	fprintf(f, ",\"total\":%zu,\"counts\":{", c.total);
	for (int o = 0; o < PYN_OUTCOME_COUNT; o++)
		fprintf(f, "%s\"%s\":%zu", o ? "," : "",
			pyn_outcome_name((enum pyn_outcome)o), c.by[o]);
	fprintf(f, "},\"flaky\":%zu,\"failed\":%zu", c.flaky,
		pyn__counts_failed(&c));
	fprintf(f, ",\"interrupted\":%s,\"exit_status\":%d}\n",
		interrupted ? "true" : "false", exit_status);
	fflush(f);
}

void pyn__events_release(struct pyn__events *ev)
{
	if (!ev)
		return;
	if (ev->owned && ev->out)
		fclose(ev->out);
	free(ev->ended);
	ev->ended = NULL;
	ev->out = NULL;
	ev->owned = false;
}
