/* SPDX-License-Identifier: MIT */
/*
 * runner/report/tap.c - TAP 14 on stdout (--format tap), for Meson's
 * `protocol: 'tap'` and Automake's tap-driver.sh.
 *
 * A line per test as it finishes, numbered in the order written (with -j
 * N that is the order of completion, not the manifest's), each followed
 * by a YAML diagnostics block.  Only TAP 13 syntax is used, so TAP 13
 * consumers read it too; --format tap13 only changes the version line,
 * for those (Perl's TAP::Parser 3.44) that refuse "TAP version 14".
 * How outcomes map (docs/formats.md):
 *
 *   pass, flaky                      ok
 *   skipped                          ok ... # SKIP reason
 *   never started (-x, a signal)     ok ... # SKIP not run
 *   an expectation met by failing    not ok ... # TODO expected X
 *   anything else that counts as     not ok
 *   not meeting its expectation
 *
 * "not ok # TODO" is TAP's expected failure (XFAIL in Automake, EXPECTEDFAIL
 * in Meson): neither counts it as a failure, as pyntest does not.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/outcome.h"
#include "runner/report/stream.h"
#include "runner/report/stream_text.h"

/* Output kept in the diagnostics of a test that did not pass. */
#define TAP_OUTPUT_TAIL 4096

/* The id as a TAP description: '#' and '\' escaped (TAP 14). */
static void description(FILE *f, const char *id)
{
	for (; *id; id++) {
		if (*id == '#' || *id == '\\')
			fputc('\\', f);
		fputc(*id == '\n' || *id == '\r' ? ' ' : *id, f);
	}
}

/* A directive's reason: one line, whatever the message held. */
static void reason(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
}

static void yaml_str(FILE *f, const char *key, const char *s, size_t n,
		     size_t max)
{
	fprintf(f, "  %s: ", key);
	pyn__quoted(f, s, n, max);
	fputc('\n', f);
}

static void diagnostics(FILE *f, const struct pyn__report_entry *e,
			bool not_run)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	const struct pyn_plan_test *t = e->test;
	enum pyn_outcome v = pyn__entry_verdict(e);
	const char *msg = pyn__entry_message(e);
	const char *hit;

	fputs("  ---\n", f);
	if (not_run || !a) {
		fputs("  outcome: not_run\n", f);
		if (msg && *msg)
			yaml_str(f, "message", msg, strlen(msg), 0);
		fputs("  ...\n", f);
		return;
	}
	fprintf(f, "  outcome: %s\n", pyn_outcome_name(a->result.outcome));
	if (v != a->result.outcome)
		fprintf(f, "  verdict: %s\n", pyn_outcome_name(v));
	yaml_str(f, "expected", e->expected ? e->expected : "",
		 e->expected ? strlen(e->expected) : 0, 0);
	if (msg && *msg)
		yaml_str(f, "message", msg, strlen(msg), 0);
	fprintf(f, "  duration_s: %.3f\n", a->result.wall_time_s);
	fprintf(f, "  cpu_time_s: %.3f\n", a->result.cpu_time_s);
	if (a->result.peak_memory_bytes >= 0)
		fprintf(f, "  peak_memory_bytes: %lld\n",
			(long long)a->result.peak_memory_bytes);
	hit = pyn__limit_hit(a->result.outcome);
	if (hit)
		fprintf(f, "  limit: %s\n", hit);
	if (a->result.exit_code > 0)
		fprintf(f, "  exit_code: %d\n", a->result.exit_code);
	if (a->result.term_signal > 0)
		fprintf(f, "  signal: %d\n", a->result.term_signal);
	if (a->result.leftover_processes)
		fprintf(f, "  leftover_processes: %u\n",
			a->result.leftover_processes);
	if (e->n_attempts > 1)
		fprintf(f, "  attempts: %zu\n  flaky: %s\n", e->n_attempts,
			pyn__entry_is_flaky(e) ? "true" : "false");
	if (t->file && t->line) {
		char at[PATH_MAX + 16];
		int n = snprintf(at, sizeof(at), "%s:%u", t->file, t->line);

		if (n > 0 && (size_t)n < sizeof(at))
			yaml_str(f, "at", at, (size_t)n, 0);
	}
	if (pyn__outcome_is_failed(v)) {
		for (int k = 0; k < 2; k++) {
			struct pyn__text txt;

			pyn__run_text(&a->result, k, &txt);
			if (txt.len)
				yaml_str(f, k ? "stderr" : "stdout", txt.buf,
					 txt.len, TAP_OUTPUT_TAIL);
			pyn__text_release(&txt);
		}
	}
	fputs("  ...\n", f);
}

void pyn__tap_write_entry(FILE *f, size_t number,
			  const struct pyn__report_entry *e)
{
	enum pyn_outcome v = pyn__entry_verdict(e);
	bool not_run = pyn__entry_is_not_run(e);
	bool ok = not_run || !pyn__outcome_is_failed(v);
	bool xfail = !not_run && pyn__entry_is_xfail(e);

	fprintf(f, "%s %zu - ", ok && !xfail ? "ok" : "not ok", number);
	description(f, e->test->id);
	if (not_run) {
		const char *m = pyn__entry_message(e);
		size_t k = strlen(PYN__NOT_RUN_PREFIX);

		fputs(" # SKIP not run", f);
		if (m && !strncmp(m, PYN__NOT_RUN_PREFIX, k) && m[k]) {
			fputs(": ", f);
			reason(f, m + k);
		}
	} else if (v == PYN_OUTCOME_SKIPPED) {
		fputs(" # SKIP ", f);
		reason(f, pyn__entry_message(e));
	} else if (xfail) {
		fputs(" # TODO expected ", f);
		reason(f, e->expected ? e->expected : "");
	}
	fputc('\n', f);
	diagnostics(f, e, not_run);
}

static void finished(void *user, const struct pyn__report_entry *e)
{
	struct pyn__tap *t = user;
	size_t i = (size_t)(e->test - t->plan->tests);

	if (i < t->plan->n_tests) {
		if (t->written[i])
			return;
		t->written[i] = true;
	}
	pyn__tap_write_entry(t->out, ++t->number, e);
	fflush(t->out);
}

int pyn__tap_begin(struct pyn__tap *t, FILE *out, const struct pyn_plan *plan,
		   int version)
{
	memset(t, 0, sizeof(*t));
	t->written = calloc(plan->n_tests ? plan->n_tests : 1, 1);
	if (!t->written)
		return PYN_ENOMEM;
	t->out = out;
	t->plan = plan;
	t->listener.finished = finished;
	t->listener.user = t;
	fprintf(out, "TAP version %d\n1..%zu\n", version, plan->n_tests);
	fflush(out);
	return 0;
}

void pyn__tap_end(struct pyn__tap *t, const struct pyn__report *r,
		  bool interrupted)
{
	if (!t->out)
		return;
	for (size_t i = 0; i < t->plan->n_tests; i++) {
		struct pyn__report_entry none;

		if (t->written[i])
			continue;
		if (r->entries && i < r->n_entries) {
			finished(t, &r->entries[i]);
			continue;
		}
		/* The scheduler never got as far as making its entry. */
		memset(&none, 0, sizeof(none));
		none.test = &t->plan->tests[i];
		finished(t, &none);
	}
	if (interrupted)
		fputs("Bail out! pyntest was interrupted\n", t->out);
	fflush(t->out);
}

void pyn__tap_release(struct pyn__tap *t)
{
	if (!t)
		return;
	free(t->written);
	t->written = NULL;
	t->out = NULL;
}
