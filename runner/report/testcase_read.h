/* SPDX-License-Identifier: MIT */
/*
 * runner/report/testcase_read.h - a JUnit <testcase> read back
 * (testcase_read.c): its outcome from its child element (<failure>,
 * <error> and its type, <skipped> and "not run: ", none; flaky* children
 * make a pass flaky) and pyntest's measurements from its properties or,
 * in the strict flavour, from its suite's <system-out> lines.  Any
 * tool's JUnit reads; what it does not say stays unknown.
 */
#ifndef PYN_RUNNER_REPORT_TESTCASE_READ_H
#define PYN_RUNNER_REPORT_TESTCASE_READ_H

#include <stdbool.h>
#include <stddef.h>

#include <pyntest/pyntest.h>

#include "runner/report/xml_read.h"

#define PYN__KIND_FLAKY PYN_OUTCOME_COUNT /* a kind beside the outcomes */

struct pyn__testcase {
	char *id, *suite, *msg, *type, *out, *err; /* malloc'ed or NULL */
	char *body; /* failed assertions, one a line ("FILE:LINE: COND") */
	int kind; /* an outcome, or PYN__KIND_FLAKY */
	int raw; /* pyntest.outcome, or -1 */
	char expected[64], signal[16];
	double time, start, cpu, lim_wall, lim_cpu; /* cpu < 0: unknown */
	long long mem; /* < 0: unknown */
	unsigned long long lim_mem;
	unsigned leftover, lane;
	bool has_start; /* pyntest.start_s / start_s= was there */
	bool ran; /* a bar on the timeline (set by the caller) */
};

/*
 * The testcase element at `r` (the whole element) into zeroed `x`.
 * False when memory ran out (x then holds what was read: release it).
 */
bool pyn__testcase_read(const struct pyn__range *r, struct pyn__testcase *x);

/*
 * Strict flavour: the suite's <system-out> `text`, "ID: outcome=...
 * wall_time_s=... start_s=..." a line, into those of the `n` cases whose
 * id it names.
 */
void pyn__testcase_read_lines(const char *text, struct pyn__testcase *cases,
			      size_t n);

/*
 * Whether `line` (up to its '\n') is "FILE:LINE: CONDITION", a failed
 * assertion as junit.c writes it; fills the length of FILE, LINE and
 * where CONDITION starts (each may be NULL).
 */
bool pyn__testcase_assert_line(const char *line, size_t *file_len,
			       unsigned *num, const char **cond);

void pyn__testcase_release(struct pyn__testcase *x);

#endif /* PYN_RUNNER_REPORT_TESTCASE_READ_H */
