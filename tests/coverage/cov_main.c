/* SPDX-License-Identifier: MIT */
/*
 * tests/coverage/cov_main.c - the coverage fixture as an unchanged
 * CUnit program: its own run is every test in one process.
 */
#include <CUnit/Basic.h>

#include "cov.h"

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS ||
	    CU_register_suites(cov_suites) != CUE_SUCCESS)
		return 2;
	CU_basic_set_mode(CU_BRM_SILENT);
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
