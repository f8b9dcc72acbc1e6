/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-limiter-time.c - the built-in wall_time and cpu_time
 * limiters driven through their hooks the way the engine drives them:
 * setup in the parent, apply in a forked child, started/kill/classify/
 * teardown.
 */
#include "limiter_test.h"

/* ---- wall_time ------------------------------------------------------- */

static void test_wall_time(void)
{
	const struct pyn_limiter *l = get("wall_time");
	struct pyn_limiter_verdict v;
	struct pyn_limiter_evidence ev;
	struct run r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	request_init(&r);
	CU_ASSERT_EQUAL(l->setup(&r.req, &r.state, r.msg, sizeof(r.msg)), 1);
	l->teardown(r.state);

	request_init(&r);
	r.req.wall_time_s = 0.5;
	CU_ASSERT_EQUAL_FATAL(l->setup(&r.req, &r.state, r.msg, sizeof(r.msg)),
			      0);
	CU_ASSERT_DOUBLE_EQUAL(r.req.deadline_s, 0.5, 1e-9);
	memset(&ev, 0, sizeof(ev));
	memset(&v, 0, sizeof(v));
	ev.struct_size = sizeof(ev);
	ev.wait_status = SIGKILL;
	ev.wall_time_s = 0.503;
	ev.killed_by = PYN_KILL_DEADLINE;
	ev.killer = "wall_time";
	l->classify(r.state, &ev, &v);
	CU_ASSERT_EQUAL(v.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	CU_ASSERT_STRING_EQUAL(
		v.message,
		"exceeded wall time limit 0.500 s (killed at 0.503 s)");
	/* Another limiter's deadline, or none: not ours. */
	ev.killer = "my_plugin";
	l->classify(r.state, &ev, &v);
	CU_ASSERT_EQUAL(v.outcome, PYN_OUTCOME_UNDECIDED);
	ev.killer = "wall_time";
	ev.killed_by = PYN_KILL_INTERRUPT;
	l->classify(r.state, &ev, &v);
	CU_ASSERT_EQUAL(v.outcome, PYN_OUTCOME_UNDECIDED);
	l->teardown(r.state);
}

/* ---- cpu_time -------------------------------------------------------- */

static void spin(void)
{
	volatile unsigned long x = 0;

	for (;;)
		x++;
}

static void test_cpu_time_timer(void)
{
	const struct pyn_limiter *l = get("cpu_time");
	struct run r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	request_init(&r);
	r.req.cpu_time_s = 0.3;
	drive(l, &r, spin);
	CU_ASSERT_EQUAL_FATAL(r.setup_ret, 0);
	CU_ASSERT(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGXCPU);
	CU_ASSERT(r.cpu >= 0.25 && r.cpu < 0.3 + PYN_T(0.7));
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_CPU_TIMEOUT);
	CU_ASSERT(strncmp(r.v.message, "exceeded CPU time limit 0.300 s (used ",
			  38) == 0);
	printf("\n    %s", r.v.message);
	l->teardown(r.state);
}

static void check_cpu_rlimits(void)
{
	struct rlimit rl;

	getrlimit(RLIMIT_CPU, &rl);
	/* limit 1.2 s: soft ceil(1.2)+1 = 3, hard 4 */
	if (rl.rlim_cur != 3 || rl.rlim_max != 4)
		_exit(10);
	getrlimit(RLIMIT_CORE, &rl);
	if (rl.rlim_cur != 0)
		_exit(11);
	_exit(0);
}

static void check_cpu_rlimits_loading(void)
{
	struct rlimit rl;

	getrlimit(RLIMIT_CPU, &rl);
	/* Loading: the soft limit only, the hard one untouched. */
	if (rl.rlim_cur != 3 || rl.rlim_max != RLIM_INFINITY)
		_exit(10);
	_exit(0);
}

static void test_cpu_time_backstop(void)
{
	const struct pyn_limiter *l = get("cpu_time");
	struct run r;

	request_init(&r);
	r.req.cpu_time_s = 1.2;
	drive(l, &r, check_cpu_rlimits);
	CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_UNDECIDED);
	l->teardown(r.state);

	request_init(&r);
	r.req.cpu_time_s = 1.2;
	r.req.loading = 1;
	drive(l, &r, check_cpu_rlimits_loading);
	CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	l->teardown(r.state);

	/* SIGKILL at the hard backstop (4 s): CPU within 10 % of it. */
	request_init(&r);
	r.req.cpu_time_s = 1.2;
	CU_ASSERT_EQUAL_FATAL(l->setup(&r.req, &r.state, r.msg, sizeof(r.msg)),
			      0);
	memset(&r.ev, 0, sizeof(r.ev));
	r.ev.struct_size = sizeof(r.ev);
	r.ev.wait_status = SIGKILL;
	r.ev.cpu_time_s = 3.7;
	l->classify(r.state, &r.ev, &r.v);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_CPU_TIMEOUT);
	CU_ASSERT_STRING_EQUAL(
		r.v.message, "exceeded CPU time limit 1.200 s (used 3.700 s)");
	r.ev.cpu_time_s = 1.0; /* an external SIGKILL */
	l->classify(r.state, &r.ev, &r.v);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_UNDECIDED);
	l->teardown(r.state);
}

static CU_TestInfo tests[] = {
	{ "wall_time sets the deadline and claims it", test_wall_time },
	{ "cpu_time timer ends a spinning test", test_cpu_time_timer },
	{ "cpu_time backstop rlimits", test_cpu_time_backstop },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "limiters.time", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
