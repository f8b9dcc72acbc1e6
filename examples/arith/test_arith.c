/* SPDX-License-Identifier: MIT */
/*
 * examples/arith/test_arith.c - the example suite's tests: plain
 * `void fn(void)` functions with CUnit assertions, one child process each.
 * examples/suite.yaml says which run, under which limits, and which
 * outcome each one is expected to have.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <pyntest/test.h>

#include "arith.h"

void arith_setup(void);
void arith_teardown(void);
void test_add(void);
void test_div(void);
void test_parse(void);
void test_sub(void);
void test_parse_null(void);
void test_factorial_negative(void);
void test_spin(void);
void test_cache_grows(void);
void test_table_too_big(void);
void test_rejects_bad_input(void);
void test_exit_code(void);
void test_on_big_machine(void);

static long *scratch;

/* Runs in each test's child before the test (the manifest's `setup:`). */
void arith_setup(void)
{
	scratch = calloc(16, sizeof(*scratch));
}

void arith_teardown(void)
{
	free(scratch);
}

void test_add(void)
{
	CU_ASSERT_EQUAL(arith_add(2, 3), 5);
	CU_ASSERT_EQUAL(arith_add(-2, 2), 0);
}

void test_div(void)
{
	int ok;

	CU_ASSERT_EQUAL(arith_div(7, 2, &ok), 3);
	CU_ASSERT_TRUE(ok);
	arith_div(1, 0, &ok);
	CU_ASSERT_FALSE(ok);
}

void test_parse(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(scratch);
	scratch[0] = arith_parse("-42");
	CU_ASSERT_EQUAL(scratch[0], -42);
}

/* Fails: the planted off-by-one in arith_sub. */
void test_sub(void)
{
	CU_ASSERT_EQUAL(arith_sub(5, 3), 2);
}

/* Crashes: arith_parse(NULL) dereferences NULL, an error (SIGSEGV). */
void test_parse_null(void)
{
	const char *volatile input = NULL;

	CU_ASSERT_EQUAL(arith_parse(input), 0);
}

/* Hangs: the planted endless loop, stopped by the wall-time limit. */
void test_factorial_negative(void)
{
	CU_ASSERT_EQUAL(arith_factorial(-3), 0);
}

/* Spins: burns CPU until the CPU-time limit stops it. */
void test_spin(void)
{
	volatile unsigned long n = 0;

	for (;;)
		n++;
}

/* Eats memory 1 MiB at a time, without ever freeing it. */
void test_cache_grows(void)
{
	for (;;) {
		char *p = malloc(1 << 20);

		if (!p)
			abort();
		memset(p, 1, 1 << 20);
	}
}

/*
 * Asks for more than its limit at once and trusts malloc.  The writes go
 * through a volatile pointer so that the compiler cannot drop the unused
 * table (and the malloc with it).
 */
void test_table_too_big(void)
{
	size_t n = (size_t)256 << 20;
	volatile char *table = malloc(n);

	for (size_t i = 0; i < n; i += 4096)
		table[i] = 1;
	free((void *)table);
}

/* Input validation by abort(): the manifest expects SIGABRT. */
void test_rejects_bad_input(void)
{
	if (arith_parse("x") == 0)
		abort();
}

/* A command-line-style check that reports through its exit code. */
void test_exit_code(void)
{
	exit(arith_add(1, 2) == 3 ? 3 : 0);
}

void test_on_big_machine(void)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 64)
		pyn_skip("needs 64 cores");
	CU_PASS("big machine");
}
