/* SPDX-License-Identifier: MIT */
/*
 * tests/coverage/cov_tests.c - the coverage fixture's CUnit tests, one
 * of each way a test ends by itself: it passes, it fails, a _FATAL
 * assertion fails, it skips (cov_skip.c).  As a library: `cunit:
 * cov_suites`; in the program cov_prog (cov_main.c) CUnit runs them in
 * one process, the baseline of tests/e2e/coverage.py.
 */
#include <CUnit/CUnit.h>

#include "cov.h"

static void t_pass(void)
{
	int v[] = { 1, 2, 3 };

	CU_ASSERT_EQUAL(cov_classify(5), 1);
	CU_ASSERT_EQUAL(cov_sum(v, 3), 2);
	CU_ASSERT_EQUAL(cov_loaded, 1);
}

static void t_fail(void)
{
	CU_ASSERT_EQUAL(cov_classify(-3), 7);
}

static void t_fatal(void)
{
	CU_ASSERT_EQUAL_FATAL(cov_classify(0), 9);
	CU_ASSERT_EQUAL(cov_classify(5000), 2); /* never reached */
}

static void t_skip(void)
{
	CU_ASSERT_EQUAL(cov_classify(2000), 2);
	cov_skip("skipped on purpose");
	CU_ASSERT_EQUAL(cov_sum(0, 0), 0); /* never reached */
}

static CU_TestInfo cov_tests[] = {
	{ "pass", t_pass }, { "fail", t_fail }, { "fatal", t_fatal },
	{ "skip", t_skip }, CU_TEST_INFO_NULL,
};

CU_SuiteInfo cov_suites[] = {
	{ "cov", NULL, NULL, NULL, NULL, cov_tests },
	CU_SUITE_INFO_NULL,
};
