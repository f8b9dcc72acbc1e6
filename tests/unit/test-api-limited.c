/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-api-limited.c - functions called through pyn_limited
 * (no CLI): every outcome, pyn_fail, each kind of limit, PYN_RESTRICTED,
 * warnings, and symbol tasks in spawn, forkserver and fork mode.
 *
 * API_FIXTURE: tests/api/fixture.c.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_test.h"

/* ---- functions to limit ---------------------------------------------- */

static void fn_double(void *arg)
{
	int v = *(int *)arg * 2;

	pyn_return(&v, sizeof(v));
}

static void fn_fail(void *arg)
{
	(void)arg;
	pyn_fail(7, "bad input at byte %d", 3);
}

static void fn_exit3(void *arg)
{
	(void)arg;
	exit(3);
}

static void fn_segv(void *arg)
{
	(void)arg;
	raise(SIGSEGV);
}

static void fn_spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	for (;;)
		n++;
}

/* Touch `*(size_t *)arg` bytes; a failed malloc is a checked abort. */
static void fn_eat(void *arg)
{
	size_t n = *(size_t *)arg;
	char *p = malloc(n);

	if (!p)
		abort();
	/* Every page through a volatile pointer: -O2 keeps the writes. */
	for (size_t i = 0; i < n; i += 4096)
		((volatile char *)p)[i] = 1;
	pyn_return(&n, sizeof(n));
	free(p);
}

/* ---- outcomes through pyn_limited -------------------------------------- */

static void test_reuse(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct warnings w = { 0 };
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	int i, v;

	lim.wall_time_s = 5;
	lf = make(fn_double, &lim, &w);
	CU_ASSERT_DOUBLE_EQUAL(pyn_limited_limits(lf)->wall_time_s, 5, 1e-9);
	for (i = 0; i < 5; i++) {
		v = i;
		CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &v, &res, NULL), 0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		CU_ASSERT_EQUAL_FATAL(res.size, sizeof(int));
		CU_ASSERT_EQUAL(*(int *)res.data, 2 * i);
		pyn_result_release(&res);
	}
	CU_ASSERT_EQUAL(w.n, 0);
	pyn_limited_free(lf);
	pyn_limited_free(NULL);
}

/* pyn_fail(): outcome fail, the code and the message (pynisher re-raises). */
static void test_fail(void)
{
	struct pyn_limited *lf = make(fn_fail, NULL, NULL);
	struct pyn_result res = PYN_RESULT_INIT;

	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_EQUAL(res.fail_code, 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "bad input at byte 3"));
	pyn_result_release(&res);
	pyn_limited_free(lf);

	lf = make(fn_exit3, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_EQUAL(res.exit_code, 3);
	CU_ASSERT_EQUAL(res.fail_code, 0);
	pyn_result_release(&res);
	pyn_limited_free(lf);

	lf = make(fn_segv, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
	CU_ASSERT_EQUAL(res.term_signal, SIGSEGV);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "SIGSEGV"));
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

/* Limits of each kind (pynisher's test_walltime, test_cputime, ...). */
static void test_wall(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;

	lim.wall_time_s = PYN_MS(300);
	lf = make(fn_sleep, &lim, NULL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	/* pynisher: 6 s for a 1 s limit. */
	CU_ASSERT(res.wall_time_s >= 0.29 &&
		  res.wall_time_s < 0.3 + PYN_T(0.7));
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

static void test_cpu(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;

	lim.cpu_time_s = PYN_MS(300);
	lim.wall_time_s = 10;
	lf = make(fn_spin, &lim, NULL);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_CPU_TIMEOUT);
	CU_ASSERT(res.cpu_time_s >= 0.25 && res.cpu_time_s < 0.3 + PYN_T(1.2));
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

static void test_memory(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	size_t n;

	lim.memory_bytes = PYN_MiB(64);
	lim.wall_time_s = 20;
	lf = make(fn_eat, &lim, NULL);
	n = (size_t)PYN_MiB(512);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &n, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
	pyn_result_release(&res);
	n = (size_t)PYN_MiB(16);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &n, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT(res.peak_memory_bytes >= (int64_t)PYN_MiB(15));
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

/* pynisher's @restricted. */
PYN_RESTRICTED(restricted_sleep, fn_sleep, .wall_time_s = PYN_MS(200))
PYN_RESTRICTED(restricted_double, fn_double, .wall_time_s = 5,
	       .memory_bytes = PYN_MiB(256))

static void test_restricted(void)
{
	struct pyn_result res = PYN_RESULT_INIT;
	int v = 21;

	CU_ASSERT_EQUAL_FATAL(restricted_sleep(NULL, &res), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	pyn_result_release(&res);
	CU_ASSERT_EQUAL_FATAL(restricted_double(&v, &res), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL_FATAL(res.size, sizeof(int));
	CU_ASSERT_EQUAL(*(int *)res.data, 42);
	pyn_result_release(&res);
}

/*
 * Limits below starting memory (pynisher's test_memory with 1 KB): a
 * clear warning, then an outcome - never a hang.
 */
static void test_below_start(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	char provider[32] = "";
	struct warnings w = { 0 };
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	size_t n = (size_t)PYN_MiB(8);

	pyn_supports("memory", provider, sizeof(provider), NULL, 0);
	lim.memory_bytes = PYN_KiB(1);
	lim.wall_time_s = 10;
	lf = make(fn_eat, &lim, &w);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, &n, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
	CU_ASSERT(res.wall_time_s < PYN_T(5));
	if (strcmp(provider, "rlimit") != 0) {
		CU_ASSERT_PTR_NOT_NULL(
			strstr(w.all, "memory limit 1024 B is below this "
				      "process's resident memory"));
	}
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

static void test_sigchld_warning(void)
{
	struct warnings w = { 0 };
	struct pyn_limited *lf = make(fn_nothing, NULL, &w);
	struct pyn_result res = PYN_RESULT_INIT;

	signal(SIGCHLD, SIG_IGN);
	CU_ASSERT_EQUAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	signal(SIGCHLD, SIG_DFL);
	/* The status is lost, but the child recorded that it returned. */
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	pyn_result_release(&res);
	CU_ASSERT_PTR_NOT_NULL(strstr(w.all, "SIGCHLD is ignored"));
	/* And silent when asked. */
	memset(&w, 0, sizeof(w));
	pyn_limited_on_warning(lf, NULL, NULL);
	signal(SIGCHLD, SIG_IGN);
	CU_ASSERT_EQUAL(pyn_limited_call(lf, NULL, &res, NULL), 0);
	signal(SIGCHLD, SIG_DFL);
	pyn_result_release(&res);
	CU_ASSERT_EQUAL(w.n, 0);
	pyn_limited_free(lf);
}

/* ---- symbols: pynisher's context="spawn"/"forkserver" ----------------- */

static void test_symbol(void)
{
	static const enum pyn_isolation modes[] = { PYN_ISOLATION_SPAWN,
						    PYN_ISOLATION_FORKSERVER,
						    PYN_ISOLATION_FORK };
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_error err = { 0 };
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	size_t i;
	int v = 1;

	lim.wall_time_s = 5;
	for (i = 0; i < 3; i++) {
		struct warnings w = { 0 };

		lim.isolation = modes[i];
		lf = pyn_limited_new_symbol(API_FIXTURE, "api_hello", &lim,
					    &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
		pyn_limited_on_warning(lf, collect, &w);
		CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, &err),
				      0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		CU_ASSERT_EQUAL_FATAL(res.size, 6);
		CU_ASSERT_STRING_EQUAL(res.data, "hello");
		pyn_result_release(&res);
		/* Fork of a library test needs the CUnit hook: it says so. */
		if (modes[i] == PYN_ISOLATION_FORK)
			CU_ASSERT_PTR_NOT_NULL(strstr(
				w.all, "does not export the CUnit hook"));
		/* An argument pointer cannot cross exec. */
		CU_ASSERT_EQUAL(pyn_limited_call(lf, &v, &res, &err),
				PYN_EINVAL);
		pyn_limited_free(lf);

		lf = pyn_limited_new_symbol(API_FIXTURE, "api_fail", &lim,
					    &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
		CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, &err),
				      0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
		CU_ASSERT_EQUAL(res.fail_code, 42);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(res.message, "parse error at line 7"));
		pyn_result_release(&res);
		pyn_limited_free(lf);
	}
	lim.isolation = PYN_ISOLATION_SPAWN;
	lim.wall_time_s = PYN_MS(300);
	lf = pyn_limited_new_symbol(API_FIXTURE, "api_sleep", &lim, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
	CU_ASSERT_EQUAL_FATAL(pyn_limited_call(lf, NULL, &res, &err), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	pyn_result_release(&res);
	pyn_limited_free(lf);
}

static CU_TestInfo tests[] = {
	{ "a limited function is called many times", test_reuse },
	{ "pyn_fail, exit and a signal come back", test_fail },
	{ "wall-time limit", test_wall },
	{ "CPU-time limit", test_cpu },
	{ "memory limit, and a pass under it", test_memory },
	{ "PYN_RESTRICTED wraps a function", test_restricted },
	{ "a limit below the starting memory warns", test_below_start },
	{ "SIGCHLD ignored warns, on_warning NULL silences",
	  test_sigchld_warning },
	{ "symbols in spawn, forkserver and fork", test_symbol },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "api-limited", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
