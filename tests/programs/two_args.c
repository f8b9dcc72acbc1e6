/* SPDX-License-Identifier: MIT */
/*
 * tests/programs/two_args.c - a program whose tests depend on its
 * argument (a mode), listed twice in one manifest with other `args`.
 * "mode given" passes in both; "beta only" passes only with `beta`.
 */
#include <string.h>

#include <CUnit/Basic.h>

static const char *mode;

static void test_mode_given(void)
{
	CU_ASSERT_PTR_NOT_NULL(mode);
}

static void test_beta_only(void)
{
	CU_ASSERT_STRING_EQUAL(mode ? mode : "", "beta");
}

int main(int argc, char **argv)
{
	CU_pSuite s;

	mode = argc > 1 ? argv[1] : NULL;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("modes", NULL, NULL);
	CU_add_test(s, "mode given", test_mode_given);
	CU_add_test(s, "beta only", test_beta_only);
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
