/* SPDX-License-Identifier: MIT */
/*
 * runner/record.h - what the scheduler records of each test (record.c):
 * the report's entries and their attempts.
 */
#ifndef PYN_RUNNER_RECORD_H
#define PYN_RUNNER_RECORD_H

#include <pyntest/pyntest.h>

#include "config/plan.h"
#include "runner/report/report.h"
#include "runner/report/spool.h"

/*
 * One entry per planned test, in plan order, with its expectation and
 * sanitizers described; no attempt yet.  0, or PYN_ENOMEM.
 */
int pyn__report_entries(struct pyn__report *report,
			const struct pyn_plan *plan);
/* Free the entries, their attempts and the report's strings. */
void pyn__report_release(struct pyn__report *report);

/* A new zeroed attempt at the end of e's, or NULL when out of memory. */
struct pyn__attempt *pyn__attempt_new(struct pyn__report_entry *e);
/*
 * An attempt that did not run the test (skipped, never started, could
 * not start): `outcome` as result and verdict, message prefix + text.
 * NULL when out of memory.
 */
struct pyn__attempt *pyn__attempt_said(struct pyn__report_entry *e,
				       enum pyn_outcome outcome,
				       const char *prefix, const char *text);
/*
 * Keep what the reporters need of `res` in `run` (see struct pyn__run),
 * its output appended to `spool` (NULL: kept in memory); `res` is
 * released.  0, or PYN_ENOMEM.
 */
int pyn__run_take(struct pyn__run *run, struct pyn_result *res,
		  struct pyn__spool *spool, struct pyn__report *report);
/*
 * Every entry not started (-x, an interrupt) gets one not-run attempt
 * saying `why` (SPEC §3).  0, or PYN_ENOMEM.
 */
int pyn__report_not_run(struct pyn__report *report, const char *why);

#endif /* PYN_RUNNER_RECORD_H */
