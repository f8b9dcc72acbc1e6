/* SPDX-License-Identifier: MIT */
/* A CUnit program whose tests use memory: one eats it all, one 32 MiB. */
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

static void test_eat(void)
{
	char *p;

	for (;;) {
		p = malloc(1 << 20);
		memset(p, 1, 1 << 20); /* NULL once the limit bites */
	}
}

static void test_32mib(void)
{
	char *p = malloc(32 << 20);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, 1, 32 << 20);
	CU_ASSERT_EQUAL(p[12345], 1);
	free(p);
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("mem", NULL, NULL);
	if (!s || !CU_add_test(s, "eat", test_eat) ||
	    !CU_add_test(s, "32 MiB", test_32mib))
		return 1;
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
