/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/basic.c - fixture tests for the plain outcomes: pass, fail
 * (CU_ASSERT, CU_ASSERT_FATAL, exit code), error (signals), skipped.
 *
 * The e2e tests find the line of each assertion by the "FX-LINE:" marker
 * comment on it, so keep the marker on the same line as the assertion.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <pyntest/test.h>

void fx_pass(void);
void fx_exit0(void);
void fx_fail_assert(void);
void fx_fail_fatal(void);
void fx_exit3(void);
void fx_segv(void);
void fx_abort(void);
void fx_skip(void);

void fx_pass(void)
{
	CU_ASSERT_EQUAL(2 + 2, 4);
}

/* exit(0) from inside a test is a pass, like returning. */
void fx_exit0(void)
{
	exit(0);
}

void fx_fail_assert(void)
{
	int sum = 1 + 1;

	CU_ASSERT_EQUAL(sum, 3); /* FX-LINE:fail_assert */
	CU_ASSERT_EQUAL(sum, 2);
}

/*
 * CU_ASSERT_FATAL must stop the test: if it did not, the crash below would
 * turn the outcome from fail into error.
 */
void fx_fail_fatal(void)
{
	CU_ASSERT_FATAL(0 == 1); /* FX-LINE:fail_fatal */
	raise(SIGSEGV);
}

void fx_exit3(void)
{
	exit(3);
}

void fx_segv(void)
{
	volatile int *volatile p = NULL;

	*p = 1;
}

void fx_abort(void)
{
	abort();
}

void fx_skip(void)
{
	pyn_skip("needs a machine with more cores");
}
