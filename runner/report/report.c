/* SPDX-License-Identifier: MIT */
/*
 * runner/report/report.c - helpers every reporter shares: verdicts,
 * counts, outcome words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner/report/report.h"

static const char *const outcome_words[PYN_OUTCOME_COUNT] = {
	"pass",	       "fail",	       "error",	  "wall_timeout",
	"cpu_timeout", "memory_limit", "skipped", "interrupted",
};

const char *pyn__outcome_word(enum pyn_outcome outcome)
{
	if (outcome < 0 || outcome >= PYN_OUTCOME_COUNT)
		return "undecided";
	return outcome_words[outcome];
}

enum pyn_outcome pyn__entry_verdict(const struct pyn__report_entry *e)
{
	if (!e->n_attempts)
		return PYN_OUTCOME_INTERRUPTED;
	return e->attempts[e->n_attempts - 1].verdict;
}

bool pyn__entry_is_flaky(const struct pyn__report_entry *e)
{
	return e->n_attempts > 1 && pyn__entry_verdict(e) == PYN_OUTCOME_PASS;
}

/*
 * Surefire's convention: a flaky test shows its passing (last) run, with
 * the failed ones as flaky elements; a test that never passed shows its
 * first run, with the later ones as rerun elements.
 */
const struct pyn__attempt *pyn__entry_primary(const struct pyn__report_entry *e)
{
	if (!e->n_attempts)
		return NULL;
	if (pyn__entry_is_flaky(e))
		return &e->attempts[e->n_attempts - 1];
	return &e->attempts[0];
}

const char *pyn__entry_message(const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);

	if (!a)
		return "interrupted before it started";
	return a->message ? a->message : "";
}

const char *pyn__attempt_error_type(const struct pyn__attempt *a)
{
	switch (a->verdict) {
	case PYN_OUTCOME_WALL_TIMEOUT:
		return "WallTimeout";
	case PYN_OUTCOME_CPU_TIMEOUT:
		return "CpuTimeout";
	case PYN_OUTCOME_MEMORY_LIMIT:
		return "MemoryLimit";
	case PYN_OUTCOME_INTERRUPTED:
		return "Interrupted";
	case PYN_OUTCOME_ERROR:
		if (a->result.error_type[0])
			return a->result.error_type;
		return a->result.term_signal ? "Signal" : "SetupError";
	default:
		return "AssertionFailure";
	}
}

void pyn__report_count(const struct pyn__report *r, struct pyn__counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < r->n_entries; i++) {
		enum pyn_outcome v = pyn__entry_verdict(&r->entries[i]);

		if (v >= 0 && v < PYN_OUTCOME_COUNT)
			c->by[v]++;
		if (pyn__entry_is_flaky(&r->entries[i]))
			c->flaky++;
		c->total++;
	}
}

size_t pyn__counts_failed(const struct pyn__counts *c)
{
	return c->total - c->by[PYN_OUTCOME_PASS] - c->by[PYN_OUTCOME_SKIPPED];
}

const char *pyn__format_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return buf;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

int pyn__attempt_decide(struct pyn__attempt *a, const struct pyn_expect *exp,
			bool met, const char *why)
{
	enum pyn_outcome got = a->result.outcome;
	bool is_default = exp->kind == PYN_EXPECT_OUTCOME &&
			  exp->outcome == PYN_OUTCOME_PASS;
	const char *msg = a->result.message ? a->result.message : "";

	free(a->message);
	if (is_default || got == PYN_OUTCOME_INTERRUPTED ||
	    (got == PYN_OUTCOME_SKIPPED && !met))
		a->verdict = got;
	else if (met)
		a->verdict = PYN_OUTCOME_PASS;
	else {
		a->verdict = PYN_OUTCOME_FAIL;
		if (why && why[0])
			msg = why;
	}
	a->message = strdup(msg);
	return a->message ? 0 : PYN_ENOMEM;
}

void pyn__run_release(struct pyn__run *run)
{
	if (!run)
		return;
	free(run->message);
	free(run->failures);
	free(run->out);
	free(run->err);
	for (size_t i = 0; i < run->n_properties; i++)
		free(run->properties[i]);
	free(run->properties);
	memset(run, 0, sizeof(*run));
}

void pyn__attempt_release(struct pyn__attempt *a)
{
	if (!a)
		return;
	pyn__run_release(&a->result);
	free(a->message);
	a->message = NULL;
}

double pyn__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
