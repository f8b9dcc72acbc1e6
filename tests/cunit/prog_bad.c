/* SPDX-License-Identifier: MIT */
/*
 * A test program whose main() misbehaves before CUnit runs, chosen by
 * argv[1]: "hang" sleeps, "crash" dereferences NULL, "return" returns 0
 * without running CUnit, "exit" calls exit(5), "ok" runs its one test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

static void test_one(void)
{
	CU_PASS("ran");
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "ok";
	volatile int *null = NULL;
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("bad", NULL, NULL);
	if (!s || !CU_add_test(s, "one", test_one))
		return 1;
	printf("main: %s\n", how);
	if (!strcmp(how, "hang"))
		for (;;)
			pause();
	if (!strcmp(how, "crash"))
		return *null;
	if (!strcmp(how, "return"))
		return 0;
	if (!strcmp(how, "exit"))
		exit(5);
	CU_basic_run_tests();
	CU_cleanup_registry();
	return 0;
}
