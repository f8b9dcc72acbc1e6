/* SPDX-License-Identifier: MIT */
/*
 * A CUnit test program written the way real projects write them, run
 * unchanged by pyntest (`program:` and `pyntest ./prog`):
 *  - main() sets a global the tests depend on (they crash without it) and
 *    registers static tests through local CU_TestInfo/CU_SuiteInfo arrays;
 *  - given SUITE TEST it runs that one test (CU_get_suite_by_name,
 *    CU_get_test_by_name, CU_basic_run_test), else all of them;
 *  - every test appends "name pid ppid main_pid" to $PROG_LOG, so the
 *    checks can see that no test ran in the program's own process.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

static const char *config; /* set by main(); the tests crash without it */
static pid_t main_pid;
static int counter; /* tests that assume an order would see it grow */

static void log_test(const char *name)
{
	const char *path = getenv("PROG_LOG");
	FILE *f = path ? fopen(path, "a") : NULL;

	if (f) {
		fprintf(f, "%s %d %d %d\n", name, (int)getpid(), (int)getppid(),
			(int)main_pid);
		fclose(f);
	}
}

static void test_pass(void)
{
	log_test("pass");
	CU_ASSERT_EQUAL(strlen(config),
			7); /* SIGSEGV when main() did not set it */
	CU_ASSERT_EQUAL(counter++, 0);
}

static void test_fail(void)
{
	log_test("fail");
	CU_ASSERT_EQUAL(counter++, 0);
	CU_ASSERT_STRING_EQUAL(config, "other");
}

static void test_fatal(void)
{
	log_test("fatal");
	CU_ASSERT_PTR_NULL_FATAL(config);
	log_test("after-fatal"); /* never reached */
}

static void test_crash(void)
{
	log_test("crash");
	raise(SIGSEGV);
}

static void test_spin(void)
{
	volatile unsigned long n = 0;

	log_test("spin");
	for (;;)
		n++;
}

static void test_exit(void)
{
	log_test("exit");
	exit(3);
}

static CU_TestInfo main_tests[] = {
	{ "pass", test_pass },	 { "fail", test_fail }, { "fatal", test_fatal },
	{ "crash", test_crash }, { "exit", test_exit }, CU_TEST_INFO_NULL,
};

static CU_TestInfo slow_tests[] = {
	{ "spin", test_spin },
	CU_TEST_INFO_NULL,
};

int main(int argc, char **argv)
{
	CU_SuiteInfo suites[] = {
		{ "main_suite", NULL, NULL, NULL, NULL, main_tests },
		{ "slow", NULL, NULL, NULL, NULL, slow_tests },
		CU_SUITE_INFO_NULL,
	};
	CU_pSuite suite;
	CU_pTest test;
	int failed;

	config = "default";
	main_pid = getpid();
	if (getenv("PROG_MAIN_LOG")) {
		FILE *f = fopen(getenv("PROG_MAIN_LOG"), "a");

		if (f) {
			fprintf(f, "main %d\n", (int)main_pid);
			fclose(f);
		}
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		CU_cleanup_registry();
		return CU_get_error();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc == 3) {
		suite = CU_get_suite_by_name(argv[1], CU_get_registry());
		test = suite ? CU_get_test_by_name(argv[2], suite) : NULL;
		if (!test) {
			fprintf(stderr, "no test %s %s\n", argv[1], argv[2]);
			CU_cleanup_registry();
			return 2;
		}
		CU_basic_run_test(suite, test);
	} else {
		CU_basic_run_tests();
	}
	failed = (int)CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
