/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/unit.h - the shared main() of the CUnit unit tests, their
 * skips and their time thresholds.
 *
 *	static CU_TestInfo tests[] = { { "parses 500ms", test_ms }, CU_TEST_INFO_NULL };
 *	static CU_SuiteInfo suites[] = { { "units", NULL, NULL, NULL, NULL, tests },
 *					 CU_SUITE_INFO_NULL };
 *	PYN_UNIT_MAIN(suites)
 *
 * The program runs
 *	PROGRAM			every test;
 *	PROGRAM NAME...		only the tests named NAME (a CUnit test name);
 *	PROGRAM -x NAME...	every test but those.
 * tests/CMakeLists.txt registers a test that may have to skip as a ctest
 * test of its own (pyn_add_unit_test PARTS), and leaves it out of the
 * program's main ctest test with -x.
 *
 * A test that cannot run here says why with pyn_unit_skip() and returns.
 * The program exits 0 when every test it ran passed, 1 when one failed
 * (or none ran, or a NAME names no test), and 77 when none failed and one
 * or more skipped: ctest (SKIP_RETURN_CODE 77) shows that as "Skipped",
 * never as "Passed".
 *
 * PYN_T(s) is a time threshold of S seconds scaled by the environment's
 * PYN_TEST_TIMEOUT_MULTIPLIER (1 when unset): slack for a loaded or a
 * sanitized build, never the limit under test itself.
 */
#ifndef PYN_TESTS_UNIT_H
#define PYN_TESTS_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

/* How many tests called pyn_unit_skip(). */
static unsigned pyn_unit_skips;

/* Say why this test cannot run here; the caller returns. */
__attribute__((format(printf, 1, 2))) static inline void
pyn_unit_skip(const char *fmt, ...)
{
	va_list ap;

	pyn_unit_skips++;
	printf("\n    SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* PYN_TEST_TIMEOUT_MULTIPLIER, or 1. */
static inline double pyn_unit_multiplier(void)
{
	const char *m = getenv("PYN_TEST_TIMEOUT_MULTIPLIER");
	double v = m ? atof(m) : 0;

	return v > 0 ? v : 1;
}

#define PYN_T(s) ((double)(s)*pyn_unit_multiplier())

/* Activate the tests ARGV names (or all but them, after -x); 0 if each
 * name matched a test. */
static inline int pyn_unit_select(int argc, char **argv)
{
	CU_pTestRegistry reg = CU_get_registry();
	int except = argc > 1 && strcmp(argv[1], "-x") == 0;
	int first = except ? 2 : 1, i, bad = 0;
	CU_pSuite s;
	CU_pTest t;

	if (argc <= first)
		return 0;
	for (i = first; i < argc; i++) {
		int found = 0;

		for (s = reg->pSuite; s; s = s->pNext)
			for (t = s->pTest; t; t = t->pNext)
				found |= strcmp(t->pName, argv[i]) == 0;
		if (!found) {
			fprintf(stderr, "no test named '%s'\n", argv[i]);
			bad = 1;
		}
	}
	for (s = reg->pSuite; s; s = s->pNext) {
		for (t = s->pTest; t; t = t->pNext) {
			int named = 0;

			for (i = first; i < argc; i++)
				named |= strcmp(t->pName, argv[i]) == 0;
			CU_set_test_active(t, named != except ? CU_TRUE :
								CU_FALSE);
		}
	}
	CU_set_fail_on_inactive(CU_FALSE);
	return bad;
}

#define PYN_UNIT_MAIN(suites)                                                  \
	int main(int argc, char **argv)                                        \
	{                                                                      \
		unsigned failed;                                               \
		if (CU_initialize_registry() != CUE_SUCCESS)                   \
			return 2;                                              \
		if (CU_register_suites(suites) != CUE_SUCCESS) {               \
			fprintf(stderr, "%s\n", CU_get_error_msg());           \
			CU_cleanup_registry();                                 \
			return 2;                                              \
		}                                                              \
		if (pyn_unit_select(argc, argv) != 0) {                        \
			CU_cleanup_registry();                                 \
			return 1;                                              \
		}                                                              \
		CU_basic_set_mode(CU_BRM_VERBOSE);                             \
		CU_basic_run_tests();                                          \
		failed = CU_get_number_of_failure_records();                   \
		if (CU_get_number_of_tests_run() == 0)                         \
			failed = 1;                                            \
		CU_cleanup_registry();                                         \
		if (!failed && pyn_unit_skips)                                 \
			printf("\n%u test(s) skipped: see SKIP above\n",       \
			       pyn_unit_skips);                                \
		return failed ? 1 : pyn_unit_skips ? 77 : 0;                   \
	}

#endif /* PYN_TESTS_UNIT_H */
