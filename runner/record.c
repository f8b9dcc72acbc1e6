/* SPDX-License-Identifier: MIT */
/*
 * runner/record.c - what the scheduler records of each test: the report's
 * entries, their attempts, and a result taken into an attempt (its output
 * to the spool).  The scheduler (schedule.c) decides what runs; this file
 * only keeps what happened, for the reporters (runner/report/report.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outcome.h"
#include "runner/record.h"
#include "engine/engine.h"
#include "runner/verdict.h"

struct pyn__attempt *pyn__attempt_new(struct pyn__report_entry *e)
{
	struct pyn__attempt *p =
		realloc(e->attempts, (e->n_attempts + 1) * sizeof(*p));

	if (!p)
		return NULL;
	e->attempts = p;
	p = &p[e->n_attempts++];
	memset(p, 0, sizeof(*p));
	return p;
}

struct pyn__attempt *pyn__attempt_said(struct pyn__report_entry *e,
				       enum pyn_outcome outcome,
				       const char *prefix, const char *text)
{
	struct pyn__attempt *a = pyn__attempt_new(e);

	if (!a)
		return NULL;
	a->result.outcome = outcome;
	a->result.peak_memory_bytes = -1;
	a->verdict = outcome;
	if (asprintf(&a->message, "%s%s", prefix, text) < 0) {
		a->message = NULL;
		return NULL;
	}
	return a;
}

int pyn__report_entries(struct pyn__report *report, const struct pyn_plan *plan)
{
	char text[256]; /* an expectation, the sanitizers */
	size_t n = plan->n_tests;
	unsigned bits;

	report->entries = calloc(n ? n : 1, sizeof(*report->entries));
	if (!report->entries)
		return PYN_ENOMEM;
	report->n_entries = n;
	report->suites = (const char *const *)plan->suites;
	report->n_suites = plan->n_suites;
	for (size_t i = 0; i < n; i++) {
		struct pyn__report_entry *e = &report->entries[i];
		const struct pyn_plan_test *t = &plan->tests[i];

		e->test = t;
		pyn__expect_describe(&t->expect, text, sizeof(text));
		e->expected = pyn__report_intern(report, text);
		bits = pyn__sanitizers(pyn_plan_test_code(t));
		pyn__sanitizer_names(bits, text, sizeof(text));
		e->sanitizers = pyn__report_intern(report, text);
		if (!e->expected || !e->sanitizers)
			return PYN_ENOMEM;
		pyn__sanitizer_scale(bits, &e->time_scale, &e->memory_scale,
				     NULL, 0);
	}
	return 0;
}

/*
 * Keep one stream of captured output (`buf`, taken over): cut on a whole
 * UTF-8 character when the limit cut it, then appended to the spool so
 * the runner does not hold it; in memory, shrunk to size, only when the
 * spool cannot take it.
 */
static void keep_output(struct pyn__run *run, struct pyn__spool *spool,
			bool err, char *buf, size_t len, uint64_t total)
{
	uint64_t at = 0;
	char *p;

	if (buf && total > len)
		len = pyn__utf8_whole(buf, len);
	if (!buf || !len) {
		free(buf);
		buf = NULL;
		len = 0;
	} else if (spool && !pyn__spool_put(spool, buf, len, &at)) {
		free(buf);
		buf = NULL;
		run->spool = spool;
	} else if ((p = realloc(buf, len + 1))) {
		buf = p;
		buf[len] = '\0';
	}
	if (err) {
		run->err = buf;
		run->err_len = len;
		run->err_total = total;
		run->err_at = at;
	} else {
		run->out = buf;
		run->out_len = len;
		run->out_total = total;
		run->out_at = at;
	}
}

/*
 * Keep what the reporters need of `res` (see struct pyn__run), taking its
 * output and properties over, and release the rest.
 */
int pyn__run_take(struct pyn__run *run, struct pyn_result *res,
		  struct pyn__spool *spool, struct pyn__report *report)
{
	unsigned kept = res->n_failures < PYN_RESULT_FAILURES_MAX ?
				res->n_failures :
				PYN_RESULT_FAILURES_MAX;
	const char *msg = res->message;
	int ret = 0;

	memset(run, 0, sizeof(*run));
	run->outcome = res->outcome;
	if (!msg[0] && res->outcome == PYN_OUTCOME_SKIPPED)
		msg = res->skip_reason;
	/* Most runs say nothing: no copy of "" for each. */
	run->message = msg[0] ? strdup(msg) : NULL;
	run->error_type = pyn__report_intern(report, res->error_type);
	run->wall_time_s = res->wall_time_s;
	run->cpu_time_s = res->cpu_time_s;
	run->start_s = res->start_s;
	run->slot = res->slot;
	run->peak_memory_bytes = res->peak_memory_bytes;
	run->exit_code = res->exit_code;
	run->term_signal = res->term_signal;
	run->leftover_processes = res->leftover_processes;
	run->n_failures = res->n_failures;
	if (kept) {
		run->failures = malloc(kept * sizeof(*run->failures));
		if (run->failures) {
			memcpy(run->failures, res->failures,
			       kept * sizeof(*run->failures));
			run->n_kept = kept;
		}
	}
	keep_output(run, spool, false, res->out, res->out_len, res->out_total);
	keep_output(run, spool, true, res->err, res->err_len, res->err_total);
	run->properties = res->properties;
	run->n_properties = res->n_properties;
	res->out = res->err = NULL;
	res->properties = NULL;
	res->n_properties = 0;
	run->memory_provider = pyn__report_intern(report, res->memory_provider);
	run->tree_provider = pyn__report_intern(report, res->tree_provider);
	if ((msg[0] && !run->message) || (kept && !run->failures) ||
	    !run->error_type || !run->memory_provider || !run->tree_provider)
		ret = PYN_ENOMEM;
	pyn_result_release(res);
	return ret;
}

/*
 * Tests that never started (-x, an interrupt) are not run (SPEC §3): a
 * skipped element saying why, never a failure.  Only tests that were
 * running when a signal came are interrupted.
 */
int pyn__report_not_run(struct pyn__report *report, const char *why)
{
	for (size_t i = 0; i < report->n_entries; i++) {
		struct pyn__report_entry *e = &report->entries[i];
		struct pyn__attempt *a;

		if (e->n_attempts)
			continue;
		a = pyn__attempt_said(e, PYN_OUTCOME_NOT_RUN,
				      PYN__NOT_RUN_PREFIX, why);
		if (!a)
			return PYN_ENOMEM;
	}
	return 0;
}

void pyn__report_release(struct pyn__report *report)
{
	if (!report)
		return;
	for (size_t i = 0; i < report->n_entries; i++) {
		struct pyn__report_entry *e = &report->entries[i];

		for (size_t k = 0; k < e->n_attempts; k++)
			pyn__attempt_release(&e->attempts[k]);
		free(e->attempts);
	}
	free(report->entries);
	report->entries = NULL;
	report->n_entries = 0;
	for (size_t i = 0; i < report->n_strings; i++)
		free(report->strings[i]);
	free(report->strings);
	report->strings = NULL;
	report->n_strings = 0;
}
