/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-engine-library.c - the engine end to end, without the
 * runner: the fixture libraries of tests/engine/ through pyn_run() in
 * every isolation mode: steps, limits, CUnit tasks, constructors.
 */
#include "engine_test.h"

/* ---- libraries, every isolation mode --------------------------------- */

static void test_library(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	char path[64], line[16];
	FILE *f;
	size_t m;

	for (m = 0; m < 3; m++) {
		if (run_sym(FIXTURE_LIB, "fx_pass", modes[m], NULL))
			return;
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		if (res.outcome != PYN_OUTCOME_PASS)
			show();

		run_sym(FIXTURE_LIB, "fx_assert_fail", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
		CU_ASSERT_EQUAL(res.n_failures, 2);
		CU_ASSERT_EQUAL(res.failures[0].line, 50);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(res.failures[0].file, "fixture.c"));
		CU_ASSERT(starts_with(res.message,
				      "CU_ASSERT_EQUAL(a,b) failed at "));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(res.message, "fixture.c:50 (and 1 more)"));

		run_sym(FIXTURE_LIB, "fx_assert_fatal", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
		CU_ASSERT(res.out && !strstr(res.out, "after fatal"));

		run_sym(FIXTURE_LIB, "fx_exit3", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
		CU_ASSERT_STRING_EQUAL(res.message, "exited with status 3");

		run_sym(FIXTURE_LIB, "fx_segv", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
		CU_ASSERT_EQUAL(res.term_signal, SIGSEGV);

		run_sym(FIXTURE_LIB, "fx_abort", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
		CU_ASSERT_EQUAL(res.term_signal, SIGABRT);

		run_sym(FIXTURE_LIB, "fx_skip", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_SKIPPED);
		CU_ASSERT_STRING_EQUAL(res.skip_reason, "not today");

		run_sym(FIXTURE_LIB, "fx_fail", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
		CU_ASSERT_EQUAL(res.fail_code, 7);

		run_sym(FIXTURE_LIB, "fx_return", modes[m], NULL);
		CU_ASSERT_EQUAL(res.size, 17);
		CU_ASSERT(res.data &&
			  strcmp(res.data, "from the library") == 0);

		run_sym(FIXTURE_LIB, "fx_print", modes[m], NULL);
		CU_ASSERT(res.out && strcmp(res.out, "hello out\n") == 0);
		CU_ASSERT(res.err && strcmp(res.err, "hello err\n") == 0);

		/* What stdio holds at the end is written, wide or in a file. */
		snprintf(path, sizeof(path), "/tmp/pyn-fx-unflushed-%d",
			 (int)getpid());
		unlink(path);
		run_sym(FIXTURE_LIB, "fx_unflushed_file", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		f = fopen(path, "r");
		CU_ASSERT_PTR_NOT_NULL(f);
		if (f) {
			CU_ASSERT(fgets(line, sizeof(line), f) &&
				  strcmp(line, "kept") == 0);
			fclose(f);
		}
		unlink(path);
		run_sym(FIXTURE_LIB, "fx_unflushed_wide", modes[m], NULL);
		CU_ASSERT(res.out && strcmp(res.out, "wide 7") == 0);

		run_sym(FIXTURE_LIB, "fx_thread_fork", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		if (res.outcome != PYN_OUTCOME_PASS)
			show();

		run_sym(FIXTURE_LIB, "fx_nope", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
		CU_ASSERT_STRING_EQUAL(res.error_type, "SetupError");
		CU_ASSERT(
			starts_with(res.message, "symbol 'fx_nope' not found"));

		lim.wall_time_s = 0.5;
		run_sym(FIXTURE_LIB, "fx_sleep", modes[m], &lim);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
		CU_ASSERT(res.wall_time_s < 0.5 + PYN_T(0.4));
	}
}

/* Fork server: loaded once elsewhere, the test a child of ours. */
static void test_forkserver_parent(void)
{
	const pid_t *pids;
	size_t m;

	for (m = 0; m < 3; m++) {
		if (run_sym(FIXTURE_LIB, "fx_pids", modes[m], NULL))
			return;
		CU_ASSERT_EQUAL_FATAL(res.size, 3 * sizeof(pid_t));
		pids = res.data;
		CU_ASSERT_EQUAL(pids[2], getpid());
		if (modes[m] == PYN_ISOLATION_FORKSERVER) {
			CU_ASSERT_NOT_EQUAL(pids[0], pids[1]);
		} else if (modes[m] == PYN_ISOLATION_SPAWN) {
			CU_ASSERT_EQUAL(pids[0], pids[1]);
		}
	}
}

static void test_setup_teardown(void)
{
	size_t m;

	for (m = 0; m < 3; m++) {
		CU_ASSERT_EQUAL_FATAL(run_steps(FIXTURE_LIB, "fx_skip",
						"fx_setup", "fx_teardown",
						modes[m], NULL),
				      0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_SKIPPED);
		CU_ASSERT(res.out &&
			  strcmp(res.out, "setup ran\nteardown ran\n") == 0);
	}
}

/*
 * A process the test forks makes a fatal assertion, then the test: the
 * test's own jump to its teardown still happens (the step's state is each
 * process's own), in every mode.
 */
static void test_forked_fatal(void)
{
	const char *want = "teardown in the test\n";
	size_t m;

	for (m = 0; m < 3; m++) {
		CU_ASSERT_EQUAL_FATAL(run_steps(FIXTURE_LIB, "fx_fork_fatal",
						NULL, "fx_where_teardown",
						modes[m], NULL),
				      0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
		CU_ASSERT(res.out && strstr(res.out, want));
		if (!res.out || !strstr(res.out, want))
			printf("\n  mode %zu, output: %s\n", m,
			       res.out ? res.out : "(none)");
	}
}

/* A test under a seccomp filter of its own passes in every mode. */
static void test_seccomp_test(void)
{
	size_t m;

	for (m = 0; m < 3; m++) {
		run_sym(FIXTURE_LIB, "fx_seccomp_pass", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		if (res.outcome != PYN_OUTCOME_PASS)
			show();
	}
}

/*
 * A test runs on every CPU its runner may run on, in every mode, though a
 * fork server keeps itself and the test's process to one CPU before it.
 */
static void test_affinity(void)
{
	cpu_set_t mine;
	size_t m;

	if (sched_getaffinity(0, sizeof(mine), &mine) == 0 &&
	    CPU_COUNT(&mine) < 2)
		printf("\n  (one CPU here: no fork server keeps to one)\n");
	for (m = 0; m < 3; m++) {
		run_sym(FIXTURE_LIB, "fx_affinity_given", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		if (res.outcome != PYN_OUTCOME_PASS)
			show();
	}
}

static void test_constructors(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	size_t m;

	for (m = 0; m < 3; m++) {
		if (run_sym(CTOR_CRASH_LIB, "fx_never", modes[m], NULL))
			return;
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
		CU_ASSERT_STRING_EQUAL(res.error_type, "SetupError");
		CU_ASSERT(starts_with(res.message,
				      "crashed while loading library '"));
		CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "(SIGSEGV)"));
		if (res.outcome != PYN_OUTCOME_ERROR)
			show();

		lim.wall_time_s = 0.5;
		run_sym(CTOR_HANG_LIB, "fx_never", modes[m], &lim);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(res.message, "while loading library '"));
		if (!strstr(res.message, "while loading library"))
			show();
	}
}

static void test_library_limits(void)
{
	const char *eaters[] = { "fx_null_deref", "fx_checked_malloc",
				 "fx_huge_calloc" };
	struct pyn_limits lim = PYN_LIMITS_INIT;
	char why[256];
	size_t m, i;

	if (!pyn_supports("memory", NULL, 0, why, sizeof(why))) {
		pyn_unit_skip("memory limiter not available: %s", why);
		return;
	}
	for (m = 0; m < 3; m++) {
		lim.memory_bytes = PYN_MiB(64);
		lim.wall_time_s = 20;
		for (i = 0; i < 3; i++) {
			if (run_sym(FIXTURE_LIB, eaters[i], modes[m], &lim))
				return;
			CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
			if (res.outcome != PYN_OUTCOME_MEMORY_LIMIT)
				show();
		}
		run_sym(FIXTURE_LIB, "fx_32mb", modes[m], &lim);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		if (res.outcome != PYN_OUTCOME_PASS)
			show();

		/* A constructor that eats its memory, in every mode. */
		run_sym(CTOR_EAT_LIB, "fx_never", modes[m], &lim);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(res.message, "while loading library '"));
		if (res.outcome != PYN_OUTCOME_MEMORY_LIMIT)
			show();
	}
}

static void test_library_cpu(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	char why[256];
	size_t m;

	if (!pyn_supports("cpu_time", NULL, 0, why, sizeof(why))) {
		pyn_unit_skip("cpu_time limiter not available: %s", why);
		return;
	}
	for (m = 0; m < 3; m++) {
		lim.cpu_time_s = 0.5;
		lim.wall_time_s = 10;
		if (run_sym(FIXTURE_LIB, "fx_spin", modes[m], &lim))
			return;
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_CPU_TIMEOUT);
		if (res.outcome != PYN_OUTCOME_CPU_TIMEOUT)
			show();
	}
	/* A spinning constructor: its CPU limit, while loading. */
	for (m = 0; m < 3; m++) {
		lim.cpu_time_s = 0.5;
		lim.wall_time_s = 10;
		run_sym(CTOR_SPIN_LIB, "fx_never", modes[m], &lim);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_CPU_TIMEOUT);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(res.message, "while loading library '"));
		if (!strstr(res.message, "while loading library"))
			show();
	}
}

static void test_cunit_task(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_task task;
	size_t m;

	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_CUNIT;
	task.name = "s.t_pass";
	task.library = FIXTURE_LIB;
	task.cunit_info = "fx_suites";
	task.cunit_suite = "s";
	for (m = 0; m < 3; m++) {
		lim.isolation = modes[m];
		task.cunit_test = "t_pass";
		pyn_result_release(&res);
		CU_ASSERT_EQUAL_FATAL(pyn_run(&task, &lim, &res, &err), 0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		CU_ASSERT(res.out && strcmp(res.out, "per-test setup\n"
						     "suite cleanup\n") == 0);
		task.cunit_test = "t_fail";
		pyn_result_release(&res);
		CU_ASSERT_EQUAL_FATAL(pyn_run(&task, &lim, &res, &err), 0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
		CU_ASSERT(starts_with(res.message, "CU_ASSERT_STRING_EQUAL("));
		task.cunit_test = "t_nope";
		pyn_result_release(&res);
		CU_ASSERT_EQUAL_FATAL(pyn_run(&task, &lim, &res, &err), 0);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
		CU_ASSERT_STRING_EQUAL(res.error_type, "SetupError");
	}
}

static void test_cunit_register(void)
{
	static const char *const regs[] = { "fx_register" };
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_task task;
	size_t m;

	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_CUNIT;
	task.name = "reg.r_fail";
	task.library = FIXTURE_LIB;
	task.cunit_register = regs;
	task.n_cunit_register = 1;
	task.cunit_suite = "reg";
	task.cunit_test = "r_fail";
	for (m = 0; m < 3; m++) {
		lim.isolation = modes[m];
		pyn_result_release(&res);
		CU_ASSERT_EQUAL_FATAL(pyn_run(&task, &lim, &res, &err), 0);
		if (modes[m] == PYN_ISOLATION_FORK) {
			/* We are a CUnit run: CUnit forbids registering. */
			CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
			CU_ASSERT(starts_with(res.message,
					      "cannot register CUnit tests"));
			continue;
		}
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
		CU_ASSERT(starts_with(res.message,
				      "CU_ASSERT_EQUAL(6 * 7,41) failed at "));
		if (res.outcome != PYN_OUTCOME_FAIL)
			show();
	}
}

/* One engine, many library tests: the servers and every fd go away. */
static void test_engine_no_leaks(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_engine *e;
	struct pyn_task task;
	struct pyn_result r = PYN_RESULT_INIT;
	int before, i, k, bad = 0;
	size_t m;

	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_SYMBOL;
	task.library = FIXTURE_LIB;
	for (m = 0; m < 3; m++) {
		before = count_fds();
		e = pyn_engine_new(NULL, &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		lim.isolation = modes[m];
		for (i = 0; i < 20; i++) {
			task.symbol = i % 2 ? "fx_pass" : "fx_segv";
			for (k = 0; k < 2; k++)
				bad |= pyn_engine_submit(e, &task, &lim, NULL,
							 &err) != 0;
			for (k = 0; k < 2; k++) {
				bad |= pyn_engine_next(e, -1, &r, NULL, &err) !=
				       1;
				bad |= r.outcome != (i % 2 ? PYN_OUTCOME_PASS :
							     PYN_OUTCOME_ERROR);
				pyn_result_release(&r);
			}
		}
		pyn_engine_free(e);
		CU_ASSERT_EQUAL(bad, 0);
		CU_ASSERT_EQUAL(count_fds(), before);
		CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
	}
}

static void test_missing_library(void)
{
	if (run_sym("/nonexistent/libnope", "x", PYN_ISOLATION_FORK, NULL))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
	CU_ASSERT_STRING_EQUAL(res.error_type, "SetupError");
	CU_ASSERT_PTR_NOT_NULL(strstr(res.message, "libnope"));
}

static CU_TestInfo tests[] = {
	/* Parts (tests/engine.cmake): library_memory and library_cpu_time
	 * may skip here. */
	{ "library in every mode", test_library },
	{ "fork server parent", test_forkserver_parent },
	{ "setup and teardown", test_setup_teardown },
	{ "a forked process's fatal assertion", test_forked_fatal },
	{ "a test under its own seccomp filter", test_seccomp_test },
	{ "a test runs on its runner's CPUs", test_affinity },
	{ "constructors", test_constructors },
	{ "missing library", test_missing_library },
	{ "library_memory", test_library_limits },
	{ "library_cpu_time", test_library_cpu },
	{ "CUnit task", test_cunit_task },
	{ "CUnit registration", test_cunit_register },
	{ "engine without leaks", test_engine_no_leaks },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "engine", NULL, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
