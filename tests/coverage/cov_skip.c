/* SPDX-License-Identifier: MIT */
/*
 * tests/coverage/cov_skip.c - leave the test here: under pyntest a skip
 * (pyn_skip, found at run time), in CUnit's own run a failed _FATAL
 * assertion.  Either way the test's code after the call never runs, so
 * both runs count the same lines.  Built without coverage.
 */
#include <CUnit/CUnit.h>

#include "cov.h"

void pyn_skip(const char *reason) __attribute__((weak));

void cov_skip(const char *why)
{
	if (pyn_skip)
		pyn_skip(why);
	CU_FAIL_FATAL(why);
}
