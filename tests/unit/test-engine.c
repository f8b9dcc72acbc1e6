/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-engine.c - the engine end to end, without the runner:
 * in-process functions through pyn_call(), the fixture libraries of
 * tests/engine/ through pyn_run() in every isolation mode, and the
 * asynchronous pyn_engine (interrupt, watch_fd).
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "../objects/no_pidfd.h"

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

static struct pyn_result res = PYN_RESULT_INIT;
static struct pyn_error err;

static int call(void (*fn)(void *), void *arg, const struct pyn_limits *lim)
{
	int rc;

	pyn_result_release(&res);
	rc = pyn_call(fn, arg, lim, &res, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  pyn_call: %s\n", err.message);
	return rc;
}

/* SYM of LIB with SETUP and TEARDOWN (may be NULL) into res. */
static int run_steps(const char *lib, const char *sym, const char *setup,
		     const char *teardown, enum pyn_isolation iso,
		     struct pyn_limits *lim)
{
	struct pyn_limits none = PYN_LIMITS_INIT;
	struct pyn_task task;
	int rc;

	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_SYMBOL;
	task.name = sym;
	task.library = lib;
	task.symbol = sym;
	task.setup = setup;
	task.teardown = teardown;
	if (!lim)
		lim = &none;
	lim->isolation = iso;
	pyn_result_release(&res);
	rc = pyn_run(&task, lim, &res, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  pyn_run: %s\n", err.message);
	return rc;
}

static int run_sym(const char *lib, const char *sym, enum pyn_isolation iso,
		   struct pyn_limits *lim)
{
	return run_steps(lib, sym, NULL, NULL, iso, lim);
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void show(void)
{
	fprintf(stderr, "\n  outcome %s, type '%s', message '%s'\n",
		pyn_outcome_name(res.outcome), res.error_type, res.message);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- pyn_call on in-process functions -------------------------------- */

static void fn_pass(void *arg)
{
	(void)arg;
	CU_ASSERT_EQUAL(2, 2);
}

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

static void fn_exit3(void *arg)
{
	(void)arg;
	exit(3);
}

/* A real fault, not a sanitizer report. */
__attribute__((no_sanitize("undefined"))) static void fn_segv(void *arg)
{
	volatile int *p = arg;
	*p = 1;
}

static void fn_abort(void *arg)
{
	(void)arg;
	abort();
}

static void fn_sleep(void *arg)
{
	(void)arg;
	sleep(30);
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
	CU_ASSERT_PTR_NOT_NULL(strstr(res.failures[0].file, "test-engine.c"));
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

/* ---- libraries, every isolation mode --------------------------------- */

static const enum pyn_isolation modes[] = { PYN_ISOLATION_FORK,
					    PYN_ISOLATION_SPAWN,
					    PYN_ISOLATION_FORKSERVER };

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

/* ---- the asynchronous engine ----------------------------------------- */

static void test_interrupt(void)
{
	struct pyn_engine *e = pyn_engine_new(NULL, &err);
	struct pyn_task task;
	struct itimerspec its;
	struct pyn_result r = PYN_RESULT_INIT;
	void *user = NULL;
	int tfd, i, rc, seen = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_FUNCTION;
	task.name = "sleeper";
	task.fn = fn_sleep;
	CU_ASSERT_EQUAL(pyn_engine_submit(e, &task, NULL, (void *)1, &err), 0);
	CU_ASSERT_EQUAL(pyn_engine_submit(e, &task, NULL, (void *)2, &err), 0);
	CU_ASSERT_EQUAL(pyn_engine_pending(e), 2);

	/* The caller's fd wakes next() first. */
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 200 * 1000 * 1000;
	timerfd_settime(tfd, 0, &its, NULL);
	r = (struct pyn_result)PYN_RESULT_INIT;
	CU_ASSERT_EQUAL(pyn_engine_next(e, tfd, &r, &user, &err), 0);
	close(tfd);

	pyn_engine_interrupt(e);
	for (i = 0; i < 2; i++) {
		rc = pyn_engine_next(e, -1, &r, &user, &err);
		CU_ASSERT_EQUAL(rc, 1);
		CU_ASSERT_EQUAL(r.outcome, PYN_OUTCOME_INTERRUPTED);
		CU_ASSERT_STRING_EQUAL(r.error_type, "Interrupted");
		CU_ASSERT(r.wall_time_s < PYN_T(5));
		seen |= (int)(long)user;
		pyn_result_release(&r);
	}
	CU_ASSERT_EQUAL(seen, 3);
	CU_ASSERT_EQUAL(pyn_engine_pending(e), 0);
	CU_ASSERT(pyn_engine_next(e, -1, &r, &user, &err) < 0);
	pyn_engine_free(e);
}

/*
 * Ctrl-C after a test ended by itself but before the engine read its end
 * (not called meanwhile): it passed; only the one still running was
 * interrupted.
 */
static void test_interrupt_after_end(void)
{
	struct pyn_engine *e = pyn_engine_new(NULL, &err);
	struct pyn_task done, sleeper;
	struct timespec nap = { 0, 300 * 1000 * 1000 };
	struct pyn_result r = PYN_RESULT_INIT;
	void *user = NULL;
	int i, rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	memset(&done, 0, sizeof(done));
	done.kind = PYN_TASK_FUNCTION;
	done.name = "done";
	done.fn = fn_pass;
	sleeper = done;
	sleeper.name = "sleeper";
	sleeper.fn = fn_sleep;
	CU_ASSERT_EQUAL(pyn_engine_submit(e, &done, NULL, (void *)1, &err), 0);
	CU_ASSERT_EQUAL(pyn_engine_submit(e, &sleeper, NULL, (void *)2, &err),
			0);
	nanosleep(&nap, NULL);
	pyn_engine_interrupt(e);
	for (i = 0; i < 2; i++) {
		rc = pyn_engine_next(e, -1, &r, &user, &err);
		CU_ASSERT_EQUAL_FATAL(rc, 1);
		if (user == (void *)1)
			CU_ASSERT_EQUAL(r.outcome, PYN_OUTCOME_PASS);
		if (user == (void *)2)
			CU_ASSERT_EQUAL(r.outcome, PYN_OUTCOME_INTERRUPTED);
		pyn_result_release(&r);
	}
	CU_ASSERT_EQUAL(pyn_engine_pending(e), 0);
	pyn_engine_free(e);
}

static struct pyn_engine *alarm_engine;

static void on_alarm(int sig)
{
	(void)sig;
	pyn_engine_interrupt(alarm_engine);
}

/* Ctrl-C while a fork server is stuck loading its library. */
static void test_interrupt_loading(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct itimerval it;
	struct pyn_task task;
	struct pyn_result r = PYN_RESULT_INIT;
	struct sigaction sa;
	struct timespec t0, t1;

	alarm_engine = pyn_engine_new(NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(alarm_engine);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 300 * 1000;
	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_SYMBOL;
	task.library = CTOR_HANG_LIB;
	task.symbol = "fx_never";
	lim.isolation = PYN_ISOLATION_FORKSERVER;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	setitimer(ITIMER_REAL, &it, NULL);
	CU_ASSERT_EQUAL(
		pyn_engine_submit(alarm_engine, &task, &lim, NULL, &err), 0);
	CU_ASSERT_EQUAL(pyn_engine_next(alarm_engine, -1, &r, NULL, &err), 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CU_ASSERT_EQUAL(r.outcome, PYN_OUTCOME_INTERRUPTED);
	CU_ASSERT((double)(t1.tv_sec - t0.tv_sec) +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 <
		  PYN_T(2));
	/* The time it waited for its library, and where it was. */
	CU_ASSERT(r.wall_time_s >= 0.25 && r.wall_time_s < PYN_T(2));
	CU_ASSERT(strncmp(r.message, "interrupted after ", 18) == 0);
	CU_ASSERT(strstr(r.message, " s while loading library '") != NULL);
	if (!strstr(r.message, "while loading library"))
		fprintf(stderr, "\n  got: '%s'\n", r.message);
	pyn_result_release(&r);
	pyn_engine_free(alarm_engine);
	signal(SIGALRM, SIG_DFL);
	CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
}

static double since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A fork server stuck loading does not hold up other tests. */
static void test_loading_does_not_block(void)
{
	struct pyn_limits slow = PYN_LIMITS_INIT, quick = PYN_LIMITS_INIT;
	struct pyn_engine *e = pyn_engine_new(NULL, &err);
	struct pyn_task hang, nap;
	struct pyn_result r = PYN_RESULT_INIT;
	struct timespec t0;
	void *user = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	memset(&hang, 0, sizeof(hang));
	hang.kind = PYN_TASK_SYMBOL;
	hang.library = CTOR_HANG_LIB;
	hang.symbol = "fx_never";
	slow.isolation = PYN_ISOLATION_FORKSERVER;
	slow.wall_time_s = 1;
	memset(&nap, 0, sizeof(nap));
	nap.kind = PYN_TASK_FUNCTION;
	nap.fn = fn_sleep;
	quick.wall_time_s = 0.5;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(pyn_engine_submit(e, &hang, &slow, (void *)1, &err), 0);
	CU_ASSERT(since(&t0) < PYN_T(0.3));
	CU_ASSERT_EQUAL(pyn_engine_submit(e, &nap, &quick, (void *)2, &err), 0);
	CU_ASSERT_EQUAL(pyn_engine_next(e, -1, &r, &user, &err), 1);
	CU_ASSERT_PTR_EQUAL(user, (void *)2);
	CU_ASSERT_EQUAL(r.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	CU_ASSERT(r.wall_time_s < 0.5 + PYN_T(0.4));
	pyn_result_release(&r);
	CU_ASSERT_EQUAL(pyn_engine_next(e, -1, &r, &user, &err), 1);
	CU_ASSERT_PTR_EQUAL(user, (void *)1);
	CU_ASSERT_EQUAL(r.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.message, "while loading library"));
	pyn_result_release(&r);
	pyn_engine_free(e);
	CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
}

static void test_parallel_slots(void)
{
	struct pyn_engine *e = pyn_engine_new(NULL, &err);
	struct pyn_task task;
	struct pyn_result r = PYN_RESULT_INIT;
	unsigned slots = 0;
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_FUNCTION;
	task.fn = fn_pass;
	for (i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(pyn_engine_submit(e, &task, NULL, NULL, &err),
				0);
	for (i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(pyn_engine_next(e, -1, &r, NULL, &err), 1);
		CU_ASSERT_EQUAL(r.outcome, PYN_OUTCOME_PASS);
		slots |= 1u << r.slot;
		pyn_result_release(&r);
	}
	CU_ASSERT_EQUAL(slots, 7);
	pyn_engine_free(e);
}

/* One test's result from a fresh task on lane 0 of `e`. */
static void next_alone(struct pyn_engine *e, const char *sym,
		       enum pyn_isolation iso, struct pyn_result *r)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_task task;

	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_SYMBOL;
	task.name = sym;
	task.library = FIXTURE_LIB;
	task.symbol = sym;
	lim.isolation = iso;
	CU_ASSERT_EQUAL_FATAL(pyn_engine_submit(e, &task, &lim, NULL, &err), 0);
	CU_ASSERT_EQUAL_FATAL(pyn_engine_next(e, -1, r, NULL, &err), 1);
	CU_ASSERT_EQUAL(r->slot, 0);
}

/*
 * Tests run one after another on one lane share its job page and output
 * pipes (reused, not made anew): nothing of a test may reach the next
 * one's result - not its failures, skip, fail code or output, nor what a
 * process it left behind writes after it ended.
 */
static void test_reuse_isolation(void)
{
	static const enum pyn_isolation iso_modes[] = {
		PYN_ISOLATION_FORKSERVER, PYN_ISOLATION_SPAWN,
		PYN_ISOLATION_FORK
	};
	static const char *const dirty[] = {
		"fx_print", "fx_assert_fail", "fx_fail",
		"fx_skip",  "fx_late_writer", "fx_busy_writer"
	};
	struct pyn_engine *e;
	struct pyn_result r = PYN_RESULT_INIT;
	size_t m, i;

	for (m = 0; m < sizeof(iso_modes) / sizeof(iso_modes[0]); m++) {
		e = pyn_engine_new(NULL, &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		for (i = 0; i < sizeof(dirty) / sizeof(dirty[0]); i++) {
			next_alone(e, dirty[i], iso_modes[m], &r);
			/* Each leaves something: an outcome or output. */
			CU_ASSERT(r.outcome != PYN_OUTCOME_PASS || r.out_len);
			if (strcmp(dirty[i], "fx_busy_writer") == 0)
				CU_ASSERT(r.out &&
					  strncmp(r.out, "LEAK\n", 5) == 0);
			if (strcmp(dirty[i], "fx_late_writer") == 0) {
				CU_ASSERT(r.out &&
					  strcmp(r.out, "early\n") == 0);
				CU_ASSERT_EQUAL(r.leftover_processes, 1);
			}
			pyn_result_release(&r);
		}
		/* Right after the busy writer, and past the late one's time. */
		next_alone(e, "fx_busy_writer", iso_modes[m], &r);
		pyn_result_release(&r);
		next_alone(e, "fx_pass", iso_modes[m], &r);
		CU_ASSERT_EQUAL(r.out_len, 0);
		pyn_result_release(&r);
		usleep(200 * 1000);
		next_alone(e, "fx_pass", iso_modes[m], &r);
		CU_ASSERT_EQUAL(r.outcome, PYN_OUTCOME_PASS);
		CU_ASSERT_STRING_EQUAL(r.message, "");
		CU_ASSERT_EQUAL(r.n_failures, 0);
		CU_ASSERT_EQUAL(r.fail_code, 0);
		CU_ASSERT_STRING_EQUAL(r.skip_reason, "");
		CU_ASSERT_EQUAL(r.out_len, 0);
		CU_ASSERT_EQUAL(r.err_len, 0);
		CU_ASSERT_FALSE(r.returned);
		if (r.out_len)
			fprintf(stderr, "\n  leaked output: '%s'\n", r.out);
		pyn_result_release(&r);
		pyn_engine_free(e);
	}
}

/*
 * A test kills its fork server while others are being started: the tests
 * asked of it and not started yet, and every later one, run all the same
 * (spawned), and none is lost.
 */
static void test_server_killed(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_engine *e = pyn_engine_new(NULL, &err);
	struct pyn_task task;
	struct pyn_result r = PYN_RESULT_INIT;
	int i, n = 0, passed = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_SYMBOL;
	task.library = FIXTURE_LIB;
	lim.isolation = PYN_ISOLATION_FORKSERVER;
	for (i = 0; i < 12; i++) {
		task.name = task.symbol = i == 3 ? "fx_kill_loader" : "fx_pass";
		CU_ASSERT_EQUAL_FATAL(
			pyn_engine_submit(e, &task, &lim, NULL, &err), 0);
		/* Four in flight at a time. */
		while (pyn_engine_pending(e) >= 4 ||
		       (i == 11 && pyn_engine_pending(e))) {
			CU_ASSERT_EQUAL_FATAL(
				pyn_engine_next(e, -1, &r, NULL, &err), 1);
			n++;
			passed += r.outcome == PYN_OUTCOME_PASS;
			pyn_result_release(&r);
		}
	}
	CU_ASSERT_EQUAL(n, 12);
	CU_ASSERT_EQUAL(passed, 12);
	pyn_engine_free(e);
	/*
	 * The killer's own process was found (its pid in the page) and
	 * reaped, not left behind while a second copy of it ran spawned.
	 */
	CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
	CU_ASSERT_EQUAL(errno, ECHILD);
}

static void fn_half_second(void *arg)
{
	(void)arg;
	usleep(500 * 1000);
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/*
 * The fd given to pyn_engine_next() is closed by its caller while a copy
 * of the file lives on (a dup, a child): readable, it must not wake every
 * later wait of the engine (a runner spinning on a CPU while tests run).
 */
static void test_watch_left_behind(void)
{
	struct pyn_engine *e = pyn_engine_new(NULL, &err);
	struct pyn_task task;
	struct pyn_result r = PYN_RESULT_INIT;
	int p[2], keep;
	double t0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	memset(&task, 0, sizeof(task));
	task.kind = PYN_TASK_FUNCTION;
	task.fn = fn_half_second;
	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	CU_ASSERT_EQUAL_FATAL(write(p[1], "x", 1), 1);
	CU_ASSERT_EQUAL_FATAL(pyn_engine_submit(e, &task, NULL, NULL, &err), 0);
	/* The watched fd is readable: next returns 0 at once. */
	CU_ASSERT_EQUAL(pyn_engine_next(e, p[0], &r, NULL, &err), 0);
	keep = dup(p[0]);
	close(p[0]);
	t0 = cpu_s();
	CU_ASSERT_EQUAL(pyn_engine_next(e, -1, &r, NULL, &err), 1);
	CU_ASSERT_EQUAL(r.outcome, PYN_OUTCOME_PASS);
	/*
	 * Waiting half a second costs next to no CPU; spinning, all of it.
	 * CPU, not wall time: a loaded machine does not add to it, so the
	 * threshold is not scaled (scaled, it would pass a spin).
	 */
	CU_ASSERT(cpu_s() - t0 < 0.2);
	pyn_result_release(&r);
	pyn_engine_free(e);
	close(keep);
	close(p[1]);
}

static void test_no_leaks(void)
{
	int before, after, i, bad = 0;

	call(fn_pass, NULL, NULL); /* warm up: registry, worker lookup */
	before = count_fds();
	for (i = 0; i < 200; i++) {
		pyn_result_release(&res);
		if (pyn_call(i % 2 ? fn_pass : fn_exit3, NULL, NULL, &res,
			     &err) != 0)
			bad++;
	}
	after = count_fds();
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(before, after);
	/* Every child was reaped. */
	CU_ASSERT_EQUAL(waitpid(-1, NULL, WNOHANG), -1);
	CU_ASSERT_EQUAL(errno, ECHILD);
}

/* Last: the plug-in stays registered in this process. */
static void test_plugin_failures(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_option opt;
	size_t m;

	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(FX_LIMITER, &err), 0);
	CU_ASSERT_EQUAL(pyn_plugin_load(FX_LIMITER, &err), 0);
	CU_ASSERT_EQUAL(pyn_supports("fx_limiter", NULL, 0, NULL, 0), 1);
	memset(&opt, 0, sizeof(opt));
	opt.limiter = "fx_limiter";
	opt.option.key = "mode";
	lim.options = &opt;
	lim.n_options = 1;
	for (m = 0; m < 3; m++) {
		/* Inactive without options. */
		run_sym(FIXTURE_LIB, "fx_pass", modes[m], NULL);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);

		opt.option.value = "setup";
		run_sym(FIXTURE_LIB, "fx_pass", modes[m], &lim);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
		CU_ASSERT_STRING_EQUAL(res.error_type, "SetupError");
		CU_ASSERT_STRING_EQUAL(res.message,
				       "limiter 'fx_limiter' failed in setup: "
				       "told to fail");

		opt.option.value = "apply";
		run_sym(FIXTURE_LIB, "fx_pass", modes[m], &lim);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
		CU_ASSERT_STRING_EQUAL(res.message,
				       "limiter 'fx_limiter' failed in apply: "
				       "told to fail");
		if (res.outcome != PYN_OUTCOME_ERROR)
			show();

		opt.option.value = "crash";
		run_sym(FIXTURE_LIB, "fx_pass", modes[m], &lim);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
		CU_ASSERT_STRING_EQUAL(res.error_type, "SetupError");
		CU_ASSERT_STRING_EQUAL(res.message,
				       "limiter 'fx_limiter' crashed in apply "
				       "(SIGSEGV)");
		if (res.outcome != PYN_OUTCOME_ERROR)
			show();

		opt.option.value = "claim";
		run_sym(FIXTURE_LIB, "fx_pass", modes[m], &lim);
		CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_ERROR);
		CU_ASSERT_STRING_EQUAL(res.message, "fixture claims an error");
		CU_ASSERT_EQUAL(res.n_properties, 1);
		CU_ASSERT(res.n_properties == 1 &&
			  strcmp(res.properties[0],
				 "pyntest.fixture=claimed") == 0);
	}
}

/* ---- without pidfd_open ---------------------------------------------- */

/*
 * Valgrind 3.19 answers pidfd_open with ENOSYS, and so do old kernels:
 * the engine must then watch its children through SIGCHLD.  A seccomp
 * filter makes pidfd_open fail that way in a child, which runs tests of
 * every kind and mode there and exits with the number of wrong results.
 */

static int expect(enum pyn_outcome want, const char *what)
{
	if (res.outcome == want)
		return 0;
	fprintf(stderr, "\n  without pidfd_open, %s: want %s, got %s (%s)\n",
		what, pyn_outcome_name(want), pyn_outcome_name(res.outcome),
		res.message);
	return 1;
}

static void test_without_pidfd(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT, nap = PYN_LIMITS_INIT;
	int st, bad = 0, fds;
	size_t m, i;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		if (pyn_test_no_pidfd_open() != 0)
			_exit(100);
		if (syscall(SYS_pidfd_open, getpid(), 0) >= 0 ||
		    errno != ENOSYS)
			_exit(101);
		fds = count_fds();
		/*
		 * A net for tests that end by themselves: an exit() under
		 * LeakSanitizer, which checks the whole inherited heap, takes
		 * seconds on a loaded machine.  A lost SIGCHLD would still
		 * show: every such test would end at the net, a wall timeout.
		 */
		lim.wall_time_s = PYN_T(10);
		nap.wall_time_s = PYN_T(0.3);
		for (i = 0; i < 20; i++) {
			bad += pyn_call(fn_pass, NULL, &lim, &res, &err) != 0 ||
			       expect(PYN_OUTCOME_PASS, "pass");
			bad += pyn_call(fn_exit3, NULL, &lim, &res, &err) !=
				       0 ||
			       expect(PYN_OUTCOME_FAIL, "exit 3");
			bad += pyn_call(fn_abort, NULL, &lim, &res, &err) !=
				       0 ||
			       expect(PYN_OUTCOME_ERROR, "abort");
		}
		bad += pyn_call(fn_sleep, NULL, &nap, &res, &err) != 0 ||
		       expect(PYN_OUTCOME_WALL_TIMEOUT, "sleep");
		for (m = 0; m < 3; m++) {
			bad += run_sym(FIXTURE_LIB, "fx_pass", modes[m],
				       NULL) ||
			       expect(PYN_OUTCOME_PASS, "library fx_pass");
		}
		pyn_result_release(&res);
		if (count_fds() != fds) {
			fprintf(stderr,
				"\n  without pidfd_open: %d fds, then %d\n",
				fds, count_fds());
			bad++;
		}
		fflush(NULL);
		_exit(bad > 99 ? 99 : bad);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st));
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 100)
		pyn_unit_skip("cannot make pidfd_open fail here (seccomp: %s)",
			      WEXITSTATUS(st) == 100 ?
				      "refused" :
				      "pidfd_open still works");
	else
		CU_ASSERT_EQUAL(WEXITSTATUS(st), 0);
}

static CU_TestInfo tests[] = {
	/* Parts (tests/engine.cmake): cpu_time, memory, library_memory,
	 * library_cpu_time and without_pidfd may skip here; return_1g is
	 * long. */
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
	{ "interrupt", test_interrupt },
	{ "interrupt after a test ended", test_interrupt_after_end },
	{ "interrupt while loading", test_interrupt_loading },
	{ "loading does not block", test_loading_does_not_block },
	{ "parallel slots", test_parallel_slots },
	{ "a lane's next test sees nothing of the last", test_reuse_isolation },
	{ "a fork server killed mid-run loses no test", test_server_killed },
	{ "a watched fd left behind does not spin", test_watch_left_behind },
	{ "no leaks", test_no_leaks },
	{ "plug-in failures", test_plugin_failures },
	{ "without_pidfd", test_without_pidfd },
	CU_TEST_INFO_NULL,
};

static void cleanup(void)
{
	pyn_result_release(&res);
}

static int suite_clean(void)
{
	cleanup();
	return 0;
}

static CU_SuiteInfo suites[] = {
	{ "engine", NULL, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
