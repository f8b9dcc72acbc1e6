/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/unit.h - the shared main() of the CUnit unit tests.
 *
 *	static CU_TestInfo tests[] = { { "parses 500ms", test_ms }, CU_TEST_INFO_NULL };
 *	static CU_SuiteInfo suites[] = { { "units", NULL, NULL, NULL, NULL, tests },
 *					 CU_SUITE_INFO_NULL };
 *	PYN_UNIT_MAIN(suites)
 *
 * Exits 0 only when every test ran and none failed.
 */
#ifndef PYN_TESTS_UNIT_H
#define PYN_TESTS_UNIT_H

#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#define PYN_UNIT_MAIN(suites)                                                 \
	int main(void)                                                        \
	{                                                                     \
		unsigned failed;                                              \
		if (CU_initialize_registry() != CUE_SUCCESS)                  \
			return 2;                                             \
		if (CU_register_suites(suites) != CUE_SUCCESS) {              \
			fprintf(stderr, "%s\n", CU_get_error_msg());          \
			CU_cleanup_registry();                                \
			return 2;                                             \
		}                                                             \
		CU_basic_set_mode(CU_BRM_VERBOSE);                            \
		CU_basic_run_tests();                                         \
		failed = CU_get_number_of_failure_records();                  \
		if (CU_get_number_of_tests_run() == 0)                        \
			failed = 1;                                           \
		CU_cleanup_registry();                                        \
		return failed ? 1 : 0;                                        \
	}

#endif /* PYN_TESTS_UNIT_H */
