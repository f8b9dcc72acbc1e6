/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-api-alloc.c - memory_limit under RLIMIT_AS in a program
 * that links the C API, which carries no allocator hook: a function of
 * this program (forked) whose allocation fails and that then crashes is
 * memory_limit, seen through errno at the crash; a symbol in spawn mode
 * (pyntest-worker, which has the hook) says the size too.  A function
 * that copes with the failure passes, a crash without one is an error.
 *
 * Needs the rlimit memory provider (forced with PYNTEST_PROVIDERS) and a
 * build without a sanitizer (ASan cannot start under RLIMIT_AS): exits 77
 * saying why otherwise.
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

#include "unit.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

#define BIG ((size_t)512 << 20)

static void fn_abort(void *arg)
{
	char *p = malloc(BIG);

	(void)arg;
	if (!p)
		abort();
	for (size_t i = 0; i < BIG; i += 4096)
		((volatile char *)p)[i] = 1;
	free(p);
}

static void fn_deref(void *arg)
{
	volatile char *p = malloc(BIG);

	(void)arg;
	for (size_t i = 0; i < BIG; i += 4096)
		p[i] = 1;
	free((void *)p);
}

static void fn_copes(void *arg)
{
	char *p = malloc(BIG);

	(void)arg;
	if (p) {
		free(p);
		pyn_fail(1, "512 MiB were given under a 64 MiB limit");
	}
}

static void fn_crash(void *arg)
{
	(void)arg;
	raise(SIGSEGV);
}

static void call(void (*fn)(void *), struct pyn_result *res)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_error err;

	lim.memory_bytes = PYN_MiB(64);
	lim.wall_time_s = 30;
	CU_ASSERT_EQUAL_FATAL(pyn_call(fn, NULL, &lim, res, &err), 0);
}

static void test_forked(void)
{
	void (*const fns[])(void *) = { fn_abort, fn_deref };
	struct pyn_result res = PYN_RESULT_INIT;

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		call(fns[i], &res);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
		CU_ASSERT_STRING_EQUAL(res.error_type, "MemoryLimit");
		CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "64.0 MiB"));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(res.message, "an allocation failed"));
		if (res.outcome != PYN_OUTCOME_MEMORY_LIMIT)
			fprintf(stderr, "\n  got %s: %s\n",
				pyn_outcome_name(res.outcome), res.message);
		pyn_result_release(&res);
	}
}

static void test_not_memory(void)
{
	struct pyn_result res = PYN_RESULT_INIT;

	call(fn_copes, &res);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	pyn_result_release(&res);
	call(fn_crash, &res);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
	CU_ASSERT_EQUAL(res.term_signal, SIGSEGV);
	pyn_result_release(&res);
}

static void test_spawned(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	struct pyn_task task = { 0 };
	struct pyn_error err;

	task.kind = PYN_TASK_SYMBOL;
	task.name = "api_eat";
	task.library = API_FIXTURE;
	task.symbol = "api_eat";
	lim.memory_bytes = PYN_MiB(64);
	lim.wall_time_s = 30;
	lim.isolation = PYN_ISOLATION_SPAWN;
	CU_ASSERT_EQUAL_FATAL(pyn_run(&task, &lim, &res, &err), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
	/* The worker's hook knows what was asked for. */
	CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "allocation of 512.0 MiB"));
	pyn_result_release(&res);
}

/* The allocator of this program is its own, not libpyntest's. */
static void test_own_malloc(void)
{
	Dl_info where;

	CU_ASSERT_FATAL(dladdr(dlsym(RTLD_DEFAULT, "malloc"), &where) != 0);
	CU_ASSERT_PTR_NULL(strstr(where.dli_fname, "libpyntest"));
}

static CU_TestInfo tests[] = {
	{ "the program's malloc is its own", test_own_malloc },
	{ "forked function: failed malloc, then a crash", test_forked },
	{ "no failed malloc is no memory_limit", test_not_memory },
	{ "spawned symbol: the worker's hook has the size", test_spawned },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "api-alloc", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

int main(void)
{
	char provider[32] = "", why[256] = "";
	unsigned failed;

#ifdef SANITIZED
	printf("SKIP: a sanitizer cannot run under RLIMIT_AS\n");
	return 77;
#endif
	setenv("PYNTEST_PROVIDERS", "memory=rlimit", 1);
	if (!pyn_supports("memory", provider, sizeof(provider), why,
			  sizeof(why)) ||
	    strcmp(provider, "rlimit") != 0) {
		printf("SKIP: the rlimit memory provider is not usable here "
		       "(%s%s)\n",
		       provider, why);
		return 77;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "%s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failure_records();
	if (CU_get_number_of_tests_run() == 0)
		failed = 1;
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
