/* SPDX-License-Identifier: MIT */
/*
 * tests/fidelity/fid_main.c - an unchanged CUnit program around the
 * probe's suite: its own run (the baseline) and `pyntest ./fid_prog`
 * record what the suite's init and its test see.
 */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "probe.h"

int main(void)
{
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (CU_register_suites(fid_suites) != CUE_SUCCESS)
		return 2;
	CU_basic_set_mode(CU_BRM_SILENT);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
