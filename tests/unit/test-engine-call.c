/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-engine-call.c - the engine end to end, without the
 * runner: in-process functions through pyn_call(): outcomes, limits,
 * returned data, output, memory.
 */
#include "engine_test.h"

/* ---- pyn_call on in-process functions -------------------------------- */

/* The line of the first assertion in fn_assert. */
enum { assert_line = __LINE__ + 5 };

static void fn_assert(void *arg)
{
	int x = *(int *)arg;
	CU_ASSERT_EQUAL(x, 2);
	CU_ASSERT(x == 1);
}

static void fn_fatal(void *arg)
{
	(void)arg;
	CU_ASSERT_FATAL(0 == 1);
	printf("after fatal\n");
}

/* A real fault, not a sanitizer report. */
__attribute__((no_sanitize("undefined"))) static void fn_segv(void *arg)
{
	volatile int *p = arg;
	*p = 1;
}

static void fn_skip(void *arg)
{
	(void)arg;
	pyn_skip("not today");
}

static void fn_fail(void *arg)
{
	(void)arg;
	pyn_fail(7, "wrong answer %d", 41);
}

static void fn_return(void *arg)
{
	size_t n = *(size_t *)arg, i;
	unsigned char *p = pyn_return_buffer(n);

	if (n && !p)
		abort();
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7);
}

static void fn_return_copy(void *arg)
{
	(void)arg;
	pyn_return("hello", 6);
}

static void fn_limited(void *arg)
{
	(void)arg;
	if (!pyn_is_limited())
		exit(9);
}

static void fn_print(void *arg)
{
	size_t n = *(size_t *)arg, i;
	char line[100];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (i = 0; i < n / sizeof(line); i++)
		fwrite(line, 1, sizeof(line), stdout);
	fprintf(stderr, "to stderr\n");
}

static void test_pass(void)
{
	if (call(fn_pass, NULL, NULL))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL(res.exit_code, 0);
	CU_ASSERT_EQUAL(res.term_signal, 0);
	CU_ASSERT_STRING_EQUAL(res.message, "");
	CU_ASSERT(res.wall_time_s > 0 && res.wall_time_s < PYN_T(5));
	CU_ASSERT(res.peak_memory_bytes >= 0);
	CU_ASSERT_FALSE(pyn_is_limited());
	call(fn_limited, NULL, NULL);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
}

static void test_assert_fail(void)
{
	int x = 1;
	char want[512];

	if (call(fn_assert, &x, NULL))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_STRING_EQUAL(res.error_type, "AssertionFailure");
	CU_ASSERT_EQUAL(res.n_failures, 1);
	CU_ASSERT_EQUAL(res.failures[0].line, (unsigned)assert_line);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(res.failures[0].file, "test-engine-call.c"));
	CU_ASSERT_STRING_EQUAL(res.failures[0].condition,
			       "CU_ASSERT_EQUAL(x,2)");
	snprintf(want, sizeof(want), "CU_ASSERT_EQUAL(x,2) failed at %s:%d",
		 res.failures[0].file, assert_line);
	CU_ASSERT_STRING_EQUAL(res.message, want);
	/* The caller's own CUnit run is untouched by the child's failure. */
	CU_ASSERT_EQUAL(x, 1);
}

static void test_fatal(void)
{
	if (call(fn_fatal, NULL, NULL))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_EQUAL(res.n_failures, 1);
	CU_ASSERT_PTR_NOT_NULL(res.out);
	CU_ASSERT_PTR_NULL(res.out ? strstr(res.out, "after fatal") : NULL);
}

static void test_exit3(void)
{
	if (call(fn_exit3, NULL, NULL))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_EQUAL(res.exit_code, 3);
	CU_ASSERT_STRING_EQUAL(res.message, "exited with status 3");
}

static void test_signals(void)
{
	if (call(fn_segv, NULL, NULL))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
	CU_ASSERT_STRING_EQUAL(res.error_type, "Signal");
	CU_ASSERT_EQUAL(res.term_signal, SIGSEGV);
	CU_ASSERT_EQUAL(res.exit_code, -1);
	/* Where: the function (addr2line), with file:line or offset. */
	CU_ASSERT_NSTRING_EQUAL(
		res.message,
		"killed by signal SIGSEGV (Segmentation fault) in fn_segv (",
		strlen("killed by signal SIGSEGV (Segmentation fault) in "
		       "fn_segv ("));
	if (call(fn_abort, NULL, NULL))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
	CU_ASSERT_EQUAL(res.term_signal, SIGABRT);
	CU_ASSERT_STRING_EQUAL(res.message,
			       "killed by signal SIGABRT (Aborted)");
}

static void test_wall(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;

	lim.wall_time_s = 0.5;
	if (call(fn_sleep, NULL, &lim))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	CU_ASSERT_STRING_EQUAL(res.error_type, "WallTimeout");
	CU_ASSERT(starts_with(res.message, "exceeded wall time limit 0.500 s"));
	CU_ASSERT(res.wall_time_s >= 0.5);
	CU_ASSERT(res.wall_time_s < 0.5 + PYN_T(0.4));
	if (res.outcome != PYN_OUTCOME_WALL_TIMEOUT)
		show();
}

static void fn_spin(void *arg)
{
	volatile unsigned long x = 0;
	time_t end = time(NULL) + 20;

	(void)arg;
	while (time(NULL) < end)
		x++;
}

static void test_cpu(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	char why[256];

	if (!pyn_supports("cpu_time", NULL, 0, why, sizeof(why))) {
		pyn_unit_skip("cpu_time limiter not available: %s", why);
		return;
	}
	lim.cpu_time_s = 0.5;
	lim.wall_time_s = 10;
	if (call(fn_spin, NULL, &lim))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_CPU_TIMEOUT);
	CU_ASSERT_STRING_EQUAL(res.error_type, "CpuTimeout");
	CU_ASSERT(res.cpu_time_s >= 0.4 && res.cpu_time_s < 0.5 + PYN_T(1.5));
	if (res.outcome != PYN_OUTCOME_CPU_TIMEOUT)
		show();
}

static void test_skip_fail(void)
{
	if (call(fn_skip, NULL, NULL))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_SKIPPED);
	CU_ASSERT_STRING_EQUAL(res.skip_reason, "not today");
	CU_ASSERT_STRING_EQUAL(res.message, "not today");
	if (call(fn_fail, NULL, NULL))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_FAIL);
	CU_ASSERT_EQUAL(res.fail_code, 7);
	CU_ASSERT_STRING_EQUAL(res.message, "wrong answer 41");
}

static void test_return(void)
{
	size_t sizes[] = { 0, 1 << 20 }, i, k;
	const unsigned char *p;
	int bad;

	for (k = 0; k < 2; k++) {
		if (call(fn_return, &sizes[k], NULL))
			return;
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
		CU_ASSERT_EQUAL(res.size, sizes[k]);
		p = res.data;
		bad = sizes[k] && !p;
		for (i = 0; p && i < res.size; i++)
			bad |= p[i] != (unsigned char)(i * 7);
		CU_ASSERT_FALSE(bad);
	}
	if (call(fn_return_copy, NULL, NULL))
		return;
	CU_ASSERT_EQUAL(res.size, 6);
	CU_ASSERT(res.data && strcmp(res.data, "hello") == 0);
	/* Outside a limited call there is nowhere to return to. */
	CU_ASSERT_EQUAL(pyn_return("x", 1), PYN_EINVAL);
	CU_ASSERT_PTR_NULL(pyn_return_buffer(10));
}

/* 1 GiB back through the result memfd (a part of its own: it takes
 * seconds, which ctest can spend beside other tests). */
static void test_return_1g(void)
{
	size_t n = (size_t)1 << 30;
	const unsigned char *p;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (call(fn_return, &n, NULL))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL(res.size, n);
	p = res.data;
	CU_ASSERT(p && p[n - 1] == (unsigned char)((n - 1) * 7));
	printf("\n  1 GiB returned in %.3f s\n",
	       (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	pyn_result_release(&res);
}

/* Freeing an engine kills and reaps what still runs. */
static void test_free_running(void)
{
	struct pyn_engine *e = pyn_engine_new(NULL, &err);
	struct pyn_task task;
	struct timespec t0, t1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_FUNCTION;
	task.fn = fn_sleep;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(pyn_engine_submit(e, &task, NULL, NULL, &err), 0);
	CU_ASSERT_EQUAL(pyn_engine_submit(e, &task, NULL, NULL, &err), 0);
	pyn_engine_free(e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CU_ASSERT((double)(t1.tv_sec - t0.tv_sec) +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 <
		  PYN_T(3));
	CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
}

static void test_output(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	size_t n = 8 << 20;

	lim.output_limit = 1000;
	if (call(fn_print, &n, &lim))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL(res.out_len, 1000);
	CU_ASSERT_EQUAL(res.out_total, (uint64_t)(n / 100) * 100);
	CU_ASSERT(res.out && strlen(res.out) == 1000);
	/* One budget for both streams: stdout used it all. */
	CU_ASSERT_EQUAL(res.err_len, 0);
	CU_ASSERT_EQUAL(res.err_total, 10);
	pyn_result_release(&res);

	/* Each stream keeps what it can while the sum stays in the limit. */
	n = 500;
	lim.output_limit = 505;
	if (call(fn_print, &n, &lim))
		return;
	CU_ASSERT_EQUAL(res.out_len, 500);
	CU_ASSERT_EQUAL(res.err_len, 5);
	CU_ASSERT(res.err && strcmp(res.err, "to st") == 0);
	CU_ASSERT_EQUAL(res.err_total, 10);
	pyn_result_release(&res);
	lim.output_limit = 510;
	if (call(fn_print, &n, &lim))
		return;
	CU_ASSERT(res.err && strcmp(res.err, "to stderr\n") == 0);
}

static void fn_hello(void *arg)
{
	(void)arg;
	printf("child\n");
}

/*
 * What the caller had buffered is not the test's output.  CUnit made our
 * stdout unbuffered, so a helper process gets a fully buffered one.
 */
static void test_caller_buffer(void)
{
	struct pyn_result r = PYN_RESULT_INIT;
	pid_t pid;
	int st = 0;

	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(2);
		setvbuf(stdout, NULL, _IOFBF, 4096);
		printf("caller-buffered ");
		if (pyn_call(fn_hello, NULL, NULL, &r, NULL) != 0)
			_exit(3);
		_exit(r.out && strcmp(r.out, "child\n") == 0 ? 0 : 1);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- memory ------------------------------------------------------------ */

/*
 * Every block is published here, so that an optimising build (-O2) can
 * delete neither the allocation nor the writes that touch its pages.
 */
static void *volatile mem_sink;

/* Write every page through a volatile pointer: no store is dead. */
static void touch(void *p, size_t n)
{
	volatile char *v = p;
	size_t i;

	for (i = 0; i < n; i += 4096)
		v[i] = 1;
}

static void fn_null_deref(void *arg)
{
	size_t i;
	char *p;

	(void)arg;
	for (i = 0; i < 4096; i++) {
		p = malloc(1 << 20);
		p[0] = 1;
		touch(p, 1 << 20);
		mem_sink = p;
	}
}

static void fn_checked(void *arg)
{
	size_t i;
	char *p;

	(void)arg;
	for (i = 0; i < 4096; i++) {
		p = malloc(1 << 20);
		if (!p)
			abort();
		touch(p, 1 << 20);
		mem_sink = p;
	}
}

static void fn_calloc(void *arg)
{
	char *p = calloc(1, (size_t)1 << 30);

	/* Used, as a real caller would: NULL or the OOM killer. */
	(void)arg;
	touch(p, (size_t)1 << 30);
	mem_sink = p;
}

static void fn_32mb(void *arg)
{
	char *p = malloc(32 << 20);

	(void)arg;
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	touch(p, 32 << 20);
	mem_sink = p;
	free(p);
}

static void test_memory(void)
{
	void (*fns[])(void *) = { fn_null_deref, fn_checked, fn_calloc };
	struct pyn_limits lim = PYN_LIMITS_INIT;
	char why[256];
	size_t i;

	if (!pyn_supports("memory", NULL, 0, why, sizeof(why))) {
		pyn_unit_skip("memory limiter not available: %s", why);
		return;
	}
	lim.memory_bytes = PYN_MiB(64);
	lim.wall_time_s = 20;
	for (i = 0; i < 3; i++) {
		if (call(fns[i], NULL, &lim))
			return;
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
		CU_ASSERT_STRING_EQUAL(res.error_type, "MemoryLimit");
		if (res.outcome != PYN_OUTCOME_MEMORY_LIMIT)
			show();
	}
	if (call(fn_32mb, NULL, &lim))
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT(res.peak_memory_bytes >= 30 << 20);
	CU_ASSERT(res.peak_memory_bytes < 64 << 20);
	if (res.outcome != PYN_OUTCOME_PASS)
		show();
}

static CU_TestInfo tests[] = {
	/* Parts (tests/engine.cmake): cpu_time and memory may skip here;
	 * return_1g is long. */
	{ "pass", test_pass },
	{ "assertion failure", test_assert_fail },
	{ "fatal assertion", test_fatal },
	{ "exit 3", test_exit3 },
	{ "signals", test_signals },
	{ "wall timeout", test_wall },
	{ "cpu_time", test_cpu },
	{ "skip and fail", test_skip_fail },
	{ "return", test_return },
	{ "return_1g", test_return_1g },
	{ "free while running", test_free_running },
	{ "output", test_output },
	{ "caller's stdio buffer", test_caller_buffer },
	{ "memory", test_memory },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "engine", NULL, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
