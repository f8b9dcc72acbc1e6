/* SPDX-License-Identifier: MIT */
/*
 * tests/instruments/san_main.c - the tests of san.c as an unchanged CUnit
 * program, one suite registered by hand and run by CU_basic_run_tests().
 */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

void san_pass(void);
void san_heap_overflow(void);
void san_use_after_free(void);
void san_leak(void);
void san_after_leak(void);
void san_signed_overflow(void);
void san_race(void);
void san_big_alloc(void);
void san_grow(void);

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("san", NULL, NULL);
	if (!s)
		return 1;
	CU_add_test(s, "pass", san_pass);
	CU_add_test(s, "heap_overflow", san_heap_overflow);
	CU_add_test(s, "use_after_free", san_use_after_free);
	CU_add_test(s, "leak", san_leak);
	CU_add_test(s, "after_leak", san_after_leak);
	CU_add_test(s, "signed_overflow", san_signed_overflow);
	CU_add_test(s, "race", san_race);
	CU_add_test(s, "big_alloc", san_big_alloc);
	CU_add_test(s, "grow", san_grow);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
