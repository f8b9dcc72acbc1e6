/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-engine-async.c - the engine end to end, without the
 * runner: the asynchronous pyn_engine: interrupts, loading, parallel
 * slots, lanes, fork servers, watch_fd, leaks, plug-in failures.
 */
#include "engine_test.h"

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

static CU_TestInfo tests[] = {
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
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "engine", NULL, suite_clean, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
