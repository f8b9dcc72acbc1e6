/* SPDX-License-Identifier: MIT */
/*
 * test_calc.c - tests for calc.c, one exported void fn(void) each, with
 * CUnit assertions.  pyntest runs each in its own limited child process;
 * suite.yaml lists them with their limits and expectations.
 */
#include <limits.h>
#include <stdlib.h>

#include <CUnit/CUnit.h>
#include <pyntest/test.h>

#include "calc.h"

void test_add(void)
{
	CU_ASSERT_EQUAL(calc_add(2, 3), 5);
	CU_ASSERT_EQUAL(calc_add(-2, 2), 0);
}

void test_divide(void)
{
	int q = 0;

	CU_ASSERT_EQUAL_FATAL(calc_div(7, 2, &q), 0);
	CU_ASSERT_EQUAL(q, 3);
}

void test_divide_by_zero(void)
{
	int q = 42;

	CU_ASSERT_EQUAL(calc_div(1, 0, &q), -1);
	CU_ASSERT_EQUAL(q, 42);
}

void test_digits(void)
{
	CU_ASSERT_EQUAL(calc_digits(0), 1);
	CU_ASSERT_EQUAL(calc_digits(-12345), 5);
	CU_ASSERT_EQUAL(calc_digits(LONG_MAX), 19);
}

/* Under a 32 MB limit a billion squares cannot be had: memory_limit. */
void test_huge_table(void)
{
	long *t = calc_squares(1000u * 1000u * 1000u);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t[999], 999L * 999L);
	free(t);
}

/* The manifest expects this one to crash with SIGSEGV. */
void test_null_table(void)
{
	long *volatile t = NULL; /* volatile: no compile-time NULL */

	CU_ASSERT_EQUAL(t[3], 9);
}

void test_needs_network(void)
{
	pyn_skip("no network in this example");
}

/* Wrong on purpose, for demo-failure.yaml: shows how a failure reads. */
void test_demo_failure(void)
{
	CU_ASSERT_EQUAL(calc_add(2, 2), 5);
}
