/* SPDX-License-Identifier: MIT */
/*
 * tests/programs/many_reg.c - twelve exported registration functions,
 * t_init_r01_tests() to t_init_r12_tests(), each adding a suite of two
 * tests, as a protocol library's tests register one file's suite each.
 * Built as a program (main() calls them all) and, with MANY_REG_LIB, as
 * a library for `cunit_register:`.
 *
 * many_setup() and many_teardown() are the manifest's `setup:` and
 * `teardown:`: with MANY_EXPECT_SETUP set, test "setup seen" of every
 * suite checks that setup ran in its process.
 */
#include <stdlib.h>

#include <CUnit/Basic.h>

static int setup_ran;

void many_setup(void)
{
	setup_ran = 1;
}

void many_teardown(void)
{
	setup_ran = 0;
}

static void test_adds(void)
{
	CU_ASSERT_EQUAL(2 + 2, 4);
}

static void test_setup_seen(void)
{
	if (getenv("MANY_EXPECT_SETUP"))
		CU_ASSERT_EQUAL(setup_ran, 1);
}

static CU_pSuite add(const char *name)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);

	CU_add_test(s, "adds", test_adds);
	CU_add_test(s, "setup seen", test_setup_seen);
	return s;
}

#define REGISTER(n)                                                            \
	CU_pSuite t_init_r##n##_tests(void);                                   \
	CU_pSuite t_init_r##n##_tests(void)                                    \
	{                                                                      \
		return add("r" #n);                                            \
	}

REGISTER(01)
REGISTER(02)
REGISTER(03)
REGISTER(04)
REGISTER(05)
REGISTER(06)
REGISTER(07)
REGISTER(08)
REGISTER(09)
REGISTER(10)
REGISTER(11)
REGISTER(12)

#ifndef MANY_REG_LIB
int main(void)
{
	CU_pSuite (*const fns[])(void) = {
		t_init_r01_tests, t_init_r02_tests, t_init_r03_tests,
		t_init_r04_tests, t_init_r05_tests, t_init_r06_tests,
		t_init_r07_tests, t_init_r08_tests, t_init_r09_tests,
		t_init_r10_tests, t_init_r11_tests, t_init_r12_tests,
	};

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		fns[i]();
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
#endif
