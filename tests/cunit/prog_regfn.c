/* SPDX-License-Identifier: MIT */
/*
 * Exported registration functions called from main(), as large C projects
 * do (`CU_pSuite t_init_uri_tests(void)` each calling CU_add_suite and
 * CU_add_test), with suite init/cleanup that create and remove a temp
 * file, per-test setup/teardown, a fixture read relative to the working
 * directory and a setting taken from the environment.  A second suite's
 * init fails: its tests never run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

CU_pSuite t_init_file_tests(void);
CU_pSuite t_init_broken_tests(void);

static char tmp_path[256];
static FILE *tmp;
static int setups;

/* Suite init: every test of the suite shares this path. */
static int file_init(void)
{
	const char *dir = getenv("REGFN_TMPDIR");

	snprintf(tmp_path, sizeof(tmp_path), "%s/regfn-fixture.txt",
		 dir ? dir : "/tmp");
	tmp = fopen(tmp_path, "w+");
	if (!tmp)
		return 1;
	fputs("hello\n", tmp);
	fflush(tmp);
	return 0;
}

static int file_clean(void)
{
	if (tmp)
		fclose(tmp);
	return unlink(tmp_path);
}

static void file_setup(void)
{
	setups++;
	rewind(tmp);
}

static void file_teardown(void)
{
	const char *log = getenv("REGFN_LOG");
	FILE *f = log ? fopen(log, "a") : NULL;

	if (f) {
		fprintf(f, "teardown %d\n", (int)getpid());
		fclose(f);
	}
}

static void test_read_tmp(void)
{
	char line[32] = "";

	CU_ASSERT_EQUAL(setups, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fgets(line, sizeof(line), tmp));
	CU_ASSERT_STRING_EQUAL(line, "hello\n");
}

/* Writes into the shared file: a later test in one process would see it. */
static void test_write_tmp(void)
{
	CU_ASSERT_EQUAL(setups, 1);
	CU_ASSERT(fseek(tmp, 0, SEEK_END) == 0);
	CU_ASSERT(fputs("more\n", tmp) >= 0);
	fflush(tmp);
	CU_ASSERT_EQUAL(ftell(tmp), 11);
}

static void test_fixture_cwd(void)
{
	char line[64] = "";
	FILE *f = fopen("data/fixture.txt", "r");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof(line), f));
	CU_ASSERT_STRING_EQUAL(line, "fixture data\n");
	fclose(f);
}

static void test_env(void)
{
	const char *v = getenv("REGFN_MODE");

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(v, "strict");
}

CU_pSuite t_init_file_tests(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown(
		"file", file_init, file_clean, file_setup, file_teardown);

	if (!s)
		return NULL;
	if (!CU_add_test(s, "read tmp", test_read_tmp) ||
	    !CU_add_test(s, "write tmp", test_write_tmp) ||
	    !CU_add_test(s, "fixture from cwd", test_fixture_cwd) ||
	    !CU_add_test(s, "env", test_env))
		return NULL;
	return s;
}

static int broken_init(void)
{
	return 7;
}

static void test_never(void)
{
	CU_FAIL("a test of a suite whose init failed ran");
}

CU_pSuite t_init_broken_tests(void)
{
	CU_pSuite s = CU_add_suite("broken", broken_init, NULL);

	if (!s || !CU_add_test(s, "never runs", test_never))
		return NULL;
	return s;
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	if (!t_init_file_tests() || !t_init_broken_tests()) {
		CU_cleanup_registry();
		return CU_get_error();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	CU_cleanup_registry();
	return CU_get_error();
}
