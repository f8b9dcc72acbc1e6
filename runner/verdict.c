/* SPDX-License-Identifier: MIT */
/*
 * runner/verdict.c - results judged against expectations (`expect:`).
 *
 * The only place that decides whether an outcome met what the manifest
 * expects; see runner/verdict.h.  Uses base/ for every name it writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/signals.h"
#include "runner/verdict.h"

const char *pyn__expect_describe(const struct pyn_expect *exp, char *buf,
				 size_t len)
{
	const char *sig;

	switch (exp->kind) {
	case PYN_EXPECT_TIMEOUT:
		snprintf(buf, len, "timeout");
		break;
	case PYN_EXPECT_SIGNAL:
		sig = pyn__signal_name(exp->value);
		if (sig)
			snprintf(buf, len, "signal %s", sig);
		else
			snprintf(buf, len, "signal %d", exp->value);
		break;
	case PYN_EXPECT_EXIT_CODE:
		snprintf(buf, len, "exit code %d", exp->value);
		break;
	default:
		snprintf(buf, len, "%s", pyn_outcome_name(exp->outcome));
		break;
	}
	return buf;
}

bool pyn__expect_is_met(const struct pyn_expect *exp,
			const struct pyn_result *res, char *why, size_t why_len)
{
	char want[64], got[96];
	const char *sig;
	bool met;

	switch (exp->kind) {
	case PYN_EXPECT_TIMEOUT:
		met = res->outcome == PYN_OUTCOME_WALL_TIMEOUT ||
		      res->outcome == PYN_OUTCOME_CPU_TIMEOUT;
		break;
	case PYN_EXPECT_SIGNAL:
		met = res->outcome == PYN_OUTCOME_ERROR &&
		      res->term_signal == exp->value;
		break;
	case PYN_EXPECT_EXIT_CODE:
		met = res->outcome == PYN_OUTCOME_FAIL &&
		      res->exit_code == exp->value;
		break;
	default:
		met = res->outcome == exp->outcome;
		break;
	}
	if (met || !why || !why_len)
		return met;
	pyn__expect_describe(exp, want, sizeof(want));
	/* Name the other side the way the expectation is phrased. */
	sig = res->term_signal > 0 ? pyn__signal_name(res->term_signal) : NULL;
	if (exp->kind == PYN_EXPECT_SIGNAL && res->term_signal > 0)
		snprintf(got, sizeof(got), "%s (signal %s)",
			 pyn_outcome_name(res->outcome), sig ? sig : "unknown");
	else if (exp->kind == PYN_EXPECT_EXIT_CODE && res->exit_code > 0)
		snprintf(got, sizeof(got), "%s (exit code %d)",
			 pyn_outcome_name(res->outcome), res->exit_code);
	else
		snprintf(got, sizeof(got), "%s",
			 pyn_outcome_name(res->outcome));
	if (res->message[0])
		snprintf(why, why_len, "expected %s, got %s: %s", want, got,
			 res->message);
	else
		snprintf(why, why_len, "expected %s, got %s", want, got);
	return false;
}

int pyn__attempt_decide(struct pyn__attempt *a, const struct pyn_expect *exp,
			bool met, const char *why)
{
	enum pyn_outcome got = a->result.outcome;
	bool is_default = exp->kind == PYN_EXPECT_OUTCOME &&
			  exp->outcome == PYN_OUTCOME_PASS;
	const char *msg = a->result.message ? a->result.message : "";

	free(a->message);
	/* Stopped or never started: no expectation was tried. */
	if (is_default || got == PYN_OUTCOME_INTERRUPTED ||
	    got == PYN_OUTCOME_NOT_RUN || (got == PYN_OUTCOME_SKIPPED && !met))
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
