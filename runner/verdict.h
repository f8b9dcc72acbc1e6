/* SPDX-License-Identifier: MIT */
/*
 * runner/verdict.h - the one judge of expectations: did a test's outcome
 * meet what its manifest expects (`expect:`), and what does the attempt
 * count as?
 *
 * The config layer only describes an expectation (struct pyn_expect in
 * config/manifest.h, carried by each plan test); the scheduler asks here
 * once per attempt, and the reporters show what was decided (the
 * attempt's verdict and message, the entry's `expected` text).  Uses
 * base/ (outcome and signal names), the engine's public result
 * (pyntest.h) and the report's attempt; nothing here runs or loads code.
 */
#ifndef PYN_RUNNER_VERDICT_H
#define PYN_RUNNER_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include <pyntest/pyntest.h>

#include "config/manifest.h"
#include "runner/report/report.h"

/*
 * The expectation in words, as reports show it: "pass", "timeout",
 * "signal SIGSEGV", "exit code 3".  Returns `buf`.
 */
const char *pyn__expect_describe(const struct pyn_expect *exp, char *buf,
				 size_t len);

/*
 * Does `res` meet `exp`?  When it does not and `why` is not NULL, writes
 * the message saying both into `why`: "expected X, got Y: MESSAGE", the
 * other side named the way the expectation is phrased ("got error (signal
 * SIGABRT)", "got fail (exit code 2)").
 */
bool pyn__expect_is_met(const struct pyn_expect *exp,
			const struct pyn_result *res, char *why,
			size_t why_len);

/*
 * Decide an attempt's verdict from its result (a->result, already kept)
 * and the test's expectation, given `met` and `why` from
 * pyn__expect_is_met(): a default expectation (pass) keeps the real
 * outcome; a met non-default one is a pass; an unmet one is a fail whose
 * message is `why`, except that an interrupted, a not-run and an
 * unexpected skipped result stay what they are (no expectation was
 * tried).  Sets a->verdict and a->message (owned by the attempt).
 * Returns 0 or PYN_ENOMEM.
 */
int pyn__attempt_decide(struct pyn__attempt *a, const struct pyn_expect *exp,
			bool met, const char *why);

#endif /* PYN_RUNNER_VERDICT_H */
