/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/setup.c - suite setup and teardown run in the test's child:
 * the tests see what setup did, and teardown's output is captured.
 */
#include <stdio.h>

#include <CUnit/CUnit.h>

void fx_setup(void);
void fx_teardown(void);
void fx_sees_setup(void);
void fx_fails_after_setup(void);

static int prepared;

void fx_setup(void)
{
	prepared = 42;
	printf("setup ran\n");
	fflush(stdout);
}

void fx_teardown(void)
{
	printf("teardown ran with %d\n", prepared);
	fflush(stdout);
}

void fx_sees_setup(void)
{
	CU_ASSERT_EQUAL(prepared, 42);
	prepared = 7;
}

/* Teardown still runs after a failed assertion. */
void fx_fails_after_setup(void)
{
	CU_ASSERT_EQUAL(prepared, 0);
	prepared = 9;
}
