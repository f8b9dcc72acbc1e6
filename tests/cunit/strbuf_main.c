/* SPDX-License-Identifier: MIT */
/* The strbuf project's own test main: CUnit's basic runner, all suites. */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

extern CU_SuiteInfo strbuf_suites[];

int main(void)
{
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	if (CU_register_suites(strbuf_suites) != CUE_SUCCESS) {
		CU_cleanup_registry();
		return CU_get_error();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
