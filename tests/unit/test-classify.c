/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-classify.c - every rule of pyn__classify() and every tie
 * between two rules, without processes: the evidence is built by hand.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "unit.h"

#include <base/signals.h>
#include <engine/classify.h>

static struct pyn_limiter_evidence ev;
static struct pyn__classify_input in;
static struct pyn__claim claims[4];
static struct pyn_failure failures[3];
static struct pyn__verdict v;

static void reset(void)
{
	memset(&ev, 0, sizeof(ev));
	memset(&in, 0, sizeof(in));
	memset(claims, 0, sizeof(claims));
	memset(&v, 0, sizeof(v));
	ev.struct_size = sizeof(ev);
	ev.wait_status = W_EXITCODE(0, 0);
	ev.child_state = PYN_CHILD_RETURNED;
	ev.would_pass = 1;
	ev.wall_time_s = 0.503;
	ev.cpu_time_s = 0.25;
	in.ev = &ev;
	in.library = "libx.so";
	in.peak_memory_bytes = -1;
	in.claims = claims;
	snprintf(failures[0].file, sizeof(failures[0].file), "file.c");
	failures[0].line = 12;
	snprintf(failures[0].condition, sizeof(failures[0].condition),
		 "CU_ASSERT_EQUAL(a,b)");
	in.first_failure = failures;
}

static void claim(const char *limiter, int outcome, const char *msg)
{
	claims[in.n_claims].limiter = limiter;
	claims[in.n_claims].outcome = outcome;
	claims[in.n_claims].message = msg;
	in.n_claims++;
}

static void signaled(int sig)
{
	ev.wait_status = sig; /* W_STOPCODE-free encoding: low 7 bits */
	ev.would_pass = 0;
}

static void exited(int code)
{
	ev.wait_status = W_EXITCODE(code, 0);
	ev.would_pass = code == 0;
}

static void run(void)
{
	pyn__classify(&in, &v);
}

#define EXPECT(outcome_, type_, msg_)                                          \
	do {                                                                   \
		run();                                                         \
		CU_ASSERT_EQUAL(v.outcome, outcome_);                          \
		CU_ASSERT_STRING_EQUAL(v.error_type, type_);                   \
		CU_ASSERT_STRING_EQUAL(v.message, msg_);                       \
		if (strcmp(v.message, msg_) != 0)                              \
			fprintf(stderr, "\n  got: '%s'\n", v.message);         \
	} while (0)

static void test_pass(void)
{
	reset();
	EXPECT(PYN_OUTCOME_PASS, "", "");
	reset();
	ev.child_state = PYN_CHILD_RUNNING; /* exit(0) from the test */
	EXPECT(PYN_OUTCOME_PASS, "", "");
}

static void test_exit_status(void)
{
	reset();
	ev.child_state = PYN_CHILD_RUNNING;
	exited(3);
	EXPECT(PYN_OUTCOME_FAIL, "AssertionFailure", "exited with status 3");
}

static void test_assertions(void)
{
	reset();
	ev.child_state = PYN_CHILD_FAILED;
	exited(1);
	in.n_failures = 1;
	EXPECT(PYN_OUTCOME_FAIL, "AssertionFailure",
	       "CU_ASSERT_EQUAL(a,b) failed at file.c:12");
	in.n_failures = 3;
	EXPECT(PYN_OUTCOME_FAIL, "AssertionFailure",
	       "CU_ASSERT_EQUAL(a,b) failed at file.c:12 (and 2 more)");
}

static void test_pyn_fail(void)
{
	reset();
	ev.child_state = PYN_CHILD_FAILED;
	exited(1);
	in.fail_called = 1;
	in.fail_code = 7;
	in.fail_message = "wrong answer 41";
	EXPECT(PYN_OUTCOME_FAIL, "AssertionFailure", "wrong answer 41");
	in.fail_message = "";
	EXPECT(PYN_OUTCOME_FAIL, "AssertionFailure", "failed with code 7");
	/* Assertions come first: the message names the first one. */
	in.n_failures = 1;
	EXPECT(PYN_OUTCOME_FAIL, "AssertionFailure",
	       "CU_ASSERT_EQUAL(a,b) failed at file.c:12");
}

static void test_skipped(void)
{
	reset();
	ev.child_state = PYN_CHILD_SKIPPED;
	in.skip_reason = "not today";
	EXPECT(PYN_OUTCOME_SKIPPED, "", "not today");
	/* Skipped beats fail. */
	in.n_failures = 1;
	EXPECT(PYN_OUTCOME_SKIPPED, "", "not today");
}

static void test_signal(void)
{
	reset();
	ev.child_state = PYN_CHILD_RUNNING;
	signaled(SIGSEGV);
	EXPECT(PYN_OUTCOME_ERROR, "Signal",
	       "killed by signal SIGSEGV (Segmentation fault)");
	signaled(SIGABRT);
	EXPECT(PYN_OUTCOME_ERROR, "Signal",
	       "killed by signal SIGABRT (Aborted)");
	/* A crash in setup is the setup's error, naming the step. */
	ev.child_state = PYN_CHILD_SETUP;
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "setup crashed: killed by signal SIGABRT (Aborted)");
	in.setup_step = "setup 'su_crash'";
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "setup 'su_crash' crashed: killed by signal SIGABRT (Aborted)");
	in.setup_step = NULL;
	ev.child_state = PYN_CHILD_TEARDOWN;
	EXPECT(PYN_OUTCOME_ERROR, "Signal",
	       "killed by signal SIGABRT (Aborted) in teardown");
	/* Signal beats skipped and fail. */
	ev.child_state = PYN_CHILD_SKIPPED;
	in.n_failures = 1;
	EXPECT(PYN_OUTCOME_ERROR, "Signal",
	       "killed by signal SIGABRT (Aborted)");
}

static void test_external_kill(void)
{
	reset();
	ev.child_state = PYN_CHILD_RUNNING;
	signaled(SIGKILL);
	EXPECT(PYN_OUTCOME_ERROR, "Signal",
	       "killed by signal SIGKILL (Killed): an external kill, not sent "
	       "by pyntest");
}

static void test_setup_errors(void)
{
	reset();
	in.host_setup_error = "limiter 'memory' failed in setup: no cgroup";
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "limiter 'memory' failed in setup: no cgroup");
	/* A host setup error beats an interrupt and every claim. */
	ev.killed_by = PYN_KILL_INTERRUPT;
	claim("wall_time", PYN_OUTCOME_WALL_TIMEOUT, "x");
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "limiter 'memory' failed in setup: no cgroup");

	reset();
	ev.child_state = PYN_CHILD_SETUP_FAILED;
	exited(120);
	in.setup_message = "limiter 'max_files' failed in apply: EPERM";
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "limiter 'max_files' failed in apply: EPERM");
	ev.killed_by = PYN_KILL_INTERRUPT;
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "limiter 'max_files' failed in apply: EPERM");
	in.setup_message = "";
	EXPECT(PYN_OUTCOME_ERROR, "SetupError", "setup failed");

	/* A failed assertion in setup: the harness's message, an error. */
	reset();
	ev.child_state = PYN_CHILD_SETUP_FAILED;
	exited(120);
	in.n_failures = 1;
	in.setup_step = "setup 'su_assert'";
	in.setup_message = "setup 'su_assert' failed: 0 failed at su.c:6";
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "setup 'su_assert' failed: 0 failed at su.c:6");

	/* exit() in setup: not a failed test, the setup's error. */
	reset();
	ev.child_state = PYN_CHILD_SETUP;
	exited(2);
	in.setup_step = "setup 'su_exit'";
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "setup 'su_exit' exited with status 2 before the test ran");
	exited(0);
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "setup 'su_exit' exited with status 0 before the test ran");
	in.setup_step = "";
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "setup exited with status 0 before the test ran");
	/* A limit still wins over where it happened. */
	signaled(SIGKILL);
	ev.killed_by = PYN_KILL_DEADLINE;
	ev.killer = "wall_time";
	in.wall_time_s = 0.5;
	EXPECT(PYN_OUTCOME_WALL_TIMEOUT, "WallTimeout",
	       "exceeded wall time limit 0.500 s (killed at 0.503 s)");
}

static void test_apply_crash(void)
{
	reset();
	ev.child_state = PYN_CHILD_APPLYING;
	in.applying_limiter = "crashy";
	signaled(SIGSEGV);
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "limiter 'crashy' crashed in apply (SIGSEGV)");
	exited(9);
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "limiter 'crashy' exited in apply with status 9");
	/* Killed by us while applying: the kill reason decides. */
	signaled(SIGKILL);
	ev.killed_by = PYN_KILL_DEADLINE;
	ev.killer = "wall_time";
	in.wall_time_s = 0.5;
	EXPECT(PYN_OUTCOME_WALL_TIMEOUT, "WallTimeout",
	       "exceeded wall time limit 0.500 s (killed at 0.503 s)");
}

static void test_loading(void)
{
	reset();
	ev.child_state = PYN_CHILD_LOADING;
	signaled(SIGSEGV);
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "crashed while loading library 'libx.so' (SIGSEGV)");
	/* A limit hit while loading keeps its outcome, and says where. */
	claim("wall_time", PYN_OUTCOME_WALL_TIMEOUT,
	      "exceeded wall time limit 0.500 s (killed at 0.503 s)");
	EXPECT(PYN_OUTCOME_WALL_TIMEOUT, "WallTimeout",
	       "exceeded wall time limit 0.500 s (killed at 0.503 s) while "
	       "loading library 'libx.so'");
	reset();
	ev.child_state = PYN_CHILD_LOADING;
	exited(3);
	EXPECT(PYN_OUTCOME_FAIL, "AssertionFailure",
	       "exited with status 3 while loading library 'libx.so'");
	exited(0);
	EXPECT(PYN_OUTCOME_ERROR, "SetupError",
	       "exited with status 0 before the test ran while loading "
	       "library 'libx.so'");
}

static void test_interrupted(void)
{
	reset();
	signaled(SIGKILL);
	ev.killed_by = PYN_KILL_INTERRUPT;
	EXPECT(PYN_OUTCOME_INTERRUPTED, "Interrupted",
	       "interrupted after 0.503 s");
	/* Interrupt beats wall, memory and CPU claims. */
	claim("wall_time", PYN_OUTCOME_WALL_TIMEOUT, "w");
	claim("memory", PYN_OUTCOME_MEMORY_LIMIT, "m");
	claim("cpu_time", PYN_OUTCOME_CPU_TIMEOUT, "c");
	EXPECT(PYN_OUTCOME_INTERRUPTED, "Interrupted",
	       "interrupted after 0.503 s");
	/* While its library loaded (a fork server's): says so. */
	reset();
	ev.child_state = PYN_CHILD_LOADING;
	ev.killed_by = PYN_KILL_INTERRUPT;
	ev.wall_time_s = 1.25;
	EXPECT(PYN_OUTCOME_INTERRUPTED, "Interrupted",
	       "interrupted after 1.250 s while loading library 'libx.so'");
}

static void test_wall(void)
{
	reset();
	signaled(SIGKILL);
	ev.killed_by = PYN_KILL_DEADLINE;
	ev.killer = "wall_time";
	in.wall_time_s = 0.5;
	/* No claim from the killer: the engine's own message. */
	EXPECT(PYN_OUTCOME_WALL_TIMEOUT, "WallTimeout",
	       "exceeded wall time limit 0.500 s (killed at 0.503 s)");
	claim("wall_time", PYN_OUTCOME_UNDECIDED, "");
	EXPECT(PYN_OUTCOME_WALL_TIMEOUT, "WallTimeout",
	       "exceeded wall time limit 0.500 s (killed at 0.503 s)");
	/* Wall beats memory and CPU. */
	reset();
	signaled(SIGKILL);
	claim("wall_time", PYN_OUTCOME_WALL_TIMEOUT,
	      "exceeded wall time limit 0.500 s (killed at 0.501 s)");
	claim("memory", PYN_OUTCOME_MEMORY_LIMIT, "m");
	claim("cpu_time", PYN_OUTCOME_CPU_TIMEOUT, "c");
	EXPECT(PYN_OUTCOME_WALL_TIMEOUT, "WallTimeout",
	       "exceeded wall time limit 0.500 s (killed at 0.501 s)");
}

static void test_deadline_of_other_killer(void)
{
	/* A CPU watcher's deadline that claims CPU is a CPU timeout. */
	reset();
	signaled(SIGKILL);
	ev.killed_by = PYN_KILL_DEADLINE;
	ev.killer = "cpu_time";
	claim("cpu_time", PYN_OUTCOME_CPU_TIMEOUT,
	      "exceeded CPU time limit 0.250 s (used 0.260 s)");
	EXPECT(PYN_OUTCOME_CPU_TIMEOUT, "CpuTimeout",
	       "exceeded CPU time limit 0.250 s (used 0.260 s)");
}

static void test_memory(void)
{
	reset();
	signaled(SIGKILL);
	claim("memory", PYN_OUTCOME_MEMORY_LIMIT,
	      "exceeded memory limit 64.0 MiB (peak 63.9 MiB)");
	claim("cpu_time", PYN_OUTCOME_CPU_TIMEOUT, "c");
	claim("max_files", PYN_OUTCOME_ERROR, "f");
	EXPECT(PYN_OUTCOME_MEMORY_LIMIT, "MemoryLimit",
	       "exceeded memory limit 64.0 MiB (peak 63.9 MiB)");
}

static void test_memory_generic(void)
{
	reset();
	ev.child_state = PYN_CHILD_RUNNING;
	signaled(SIGSEGV);
	ev.alloc_failed = 1;
	ev.alloc_failed_size = 1 << 20;
	in.memory_bytes = 64 << 20;
	EXPECT(PYN_OUTCOME_MEMORY_LIMIT, "MemoryLimit",
	       "exceeded memory limit 64.0 MiB (allocation of 1.0 MiB failed)");
	in.peak_memory_bytes = 63 << 20;
	EXPECT(PYN_OUTCOME_MEMORY_LIMIT, "MemoryLimit",
	       "exceeded memory limit 64.0 MiB (allocation of 1.0 MiB failed, "
	       "peak 63.0 MiB)");
	/* The flag set but the test passed: it handled NULL on purpose. */
	exited(0);
	ev.child_state = PYN_CHILD_RETURNED;
	EXPECT(PYN_OUTCOME_PASS, "", "");
	/* No memory limit: a failed allocation is just what it is. */
	reset();
	ev.child_state = PYN_CHILD_RUNNING;
	signaled(SIGABRT);
	ev.alloc_failed = 1;
	EXPECT(PYN_OUTCOME_ERROR, "Signal",
	       "killed by signal SIGABRT (Aborted)");
	/* A failed assertion after a failed allocation is memory_limit too. */
	reset();
	ev.child_state = PYN_CHILD_FAILED;
	exited(1);
	in.n_failures = 1;
	ev.alloc_failed = 1;
	ev.alloc_failed_size = 100;
	in.memory_bytes = 1024;
	EXPECT(PYN_OUTCOME_MEMORY_LIMIT, "MemoryLimit",
	       "exceeded memory limit 1.0 KiB (allocation of 100 B failed)");
}

static void test_cpu(void)
{
	reset();
	signaled(SIGXCPU);
	claim("cpu_time", PYN_OUTCOME_CPU_TIMEOUT,
	      "exceeded CPU time limit 0.250 s (used 0.254 s)");
	claim("max_files", PYN_OUTCOME_ERROR, "f");
	EXPECT(PYN_OUTCOME_CPU_TIMEOUT, "CpuTimeout",
	       "exceeded CPU time limit 0.250 s (used 0.254 s)");
	/* Generic: SIGXCPU under a CPU limit. */
	reset();
	signaled(SIGXCPU);
	in.cpu_time_s = 0.25;
	EXPECT(PYN_OUTCOME_CPU_TIMEOUT, "CpuTimeout",
	       "exceeded CPU time limit 0.250 s (used 0.250 s)");
	/* SIGXCPU without a CPU limit is a signal. */
	in.cpu_time_s = 0;
	EXPECT(PYN_OUTCOME_ERROR, "Signal",
	       "killed by signal SIGXCPU (CPU time limit exceeded)");
}

static void test_cpu_children(void)
{
	/* The test passed, but its waited-for child spun: the tree's CPU. */
	reset();
	ev.child_state = PYN_CHILD_RETURNED;
	ev.cpu_time_s = 2.004;
	in.cpu_time_s = 0.3;
	in.tree_cpu_time_s = 2.004;
	EXPECT(PYN_OUTCOME_CPU_TIMEOUT, "CpuTimeout",
	       "exceeded CPU time limit 0.300 s (used 2.004 s, with its "
	       "child processes)");
	/* Over a failure or a crash too: the limit comes first. */
	ev.child_state = PYN_CHILD_FAILED;
	exited(1);
	in.n_failures = 1;
	EXPECT(PYN_OUTCOME_CPU_TIMEOUT, "CpuTimeout",
	       "exceeded CPU time limit 0.300 s (used 2.004 s, with its "
	       "child processes)");
	/* The limiter's own claim (SIGXCPU of the test) keeps its message. */
	signaled(SIGXCPU);
	claim("cpu_time", PYN_OUTCOME_CPU_TIMEOUT,
	      "exceeded CPU time limit 0.300 s (used 0.303 s)");
	EXPECT(PYN_OUTCOME_CPU_TIMEOUT, "CpuTimeout",
	       "exceeded CPU time limit 0.300 s (used 0.303 s)");
	/* Wall time still beats it. */
	reset();
	signaled(SIGKILL);
	ev.killed_by = PYN_KILL_DEADLINE;
	ev.killer = "wall_time";
	in.wall_time_s = 0.5;
	in.cpu_time_s = 0.3;
	in.tree_cpu_time_s = 0.9;
	EXPECT(PYN_OUTCOME_WALL_TIMEOUT, "WallTimeout",
	       "exceeded wall time limit 0.500 s (killed at 0.503 s)");
	/* Within the measuring error, unknown, or no CPU limit: no verdict. */
	reset();
	in.cpu_time_s = 0.3;
	in.tree_cpu_time_s = 0.31;
	EXPECT(PYN_OUTCOME_PASS, "", "");
	in.tree_cpu_time_s = -1;
	EXPECT(PYN_OUTCOME_PASS, "", "");
	in.cpu_time_s = 0;
	in.tree_cpu_time_s = 5;
	EXPECT(PYN_OUTCOME_PASS, "", "");
}

static void test_other_claims(void)
{
	reset();
	ev.child_state = PYN_CHILD_RUNNING;
	signaled(SIGSEGV);
	claim("wall_time", PYN_OUTCOME_UNDECIDED, "");
	claim("max_files", PYN_OUTCOME_ERROR, "opened more than 16 files");
	claim("max_procs", PYN_OUTCOME_FAIL, "second");
	/* The first claim in registry order, over the signal. */
	EXPECT(PYN_OUTCOME_ERROR, "LimiterError", "opened more than 16 files");
	/* A claim without a message still says who. */
	claims[1].message = "";
	EXPECT(PYN_OUTCOME_ERROR, "LimiterError",
	       "limiter claimed the outcome");
	/* Only undecided claims: the status decides. */
	reset();
	ev.child_state = PYN_CHILD_RUNNING;
	signaled(SIGSEGV);
	claim("wall_time", PYN_OUTCOME_UNDECIDED, "");
	EXPECT(PYN_OUTCOME_ERROR, "Signal",
	       "killed by signal SIGSEGV (Segmentation fault)");
}

static void test_would_pass(void)
{
	CU_ASSERT_TRUE(
		pyn__would_pass(W_EXITCODE(0, 0), PYN_CHILD_RETURNED, 0, 0));
	CU_ASSERT_TRUE(
		pyn__would_pass(W_EXITCODE(0, 0), PYN_CHILD_RUNNING, 0, 0));
	CU_ASSERT_FALSE(
		pyn__would_pass(W_EXITCODE(1, 0), PYN_CHILD_RUNNING, 0, 0));
	CU_ASSERT_FALSE(pyn__would_pass(SIGSEGV, PYN_CHILD_RUNNING, 0, 0));
	CU_ASSERT_FALSE(
		pyn__would_pass(W_EXITCODE(0, 0), PYN_CHILD_RETURNED, 1, 0));
	CU_ASSERT_FALSE(
		pyn__would_pass(W_EXITCODE(0, 0), PYN_CHILD_RETURNED, 0, 1));
	CU_ASSERT_FALSE(pyn__would_pass(W_EXITCODE(0, 0),
					PYN_CHILD_SETUP_FAILED, 0, 0));
}

static void test_signal_names(void)
{
	char buf[32];

	CU_ASSERT_STRING_EQUAL(pyn__signal_text(SIGSEGV, buf, sizeof(buf)),
			       "SIGSEGV");
	CU_ASSERT_STRING_EQUAL(pyn__signal_text(SIGXCPU, buf, sizeof(buf)),
			       "SIGXCPU");
	CU_ASSERT_STRING_EQUAL(pyn__signal_text(200, buf, sizeof(buf)),
			       "signal 200");
}

static void test_names(void)
{
	enum pyn_outcome o;
	int i;

	for (i = 0; i < PYN_OUTCOME_COUNT; i++) {
		CU_ASSERT_EQUAL(
			pyn_outcome_parse(pyn_outcome_name((enum pyn_outcome)i),
					  &o),
			0);
		CU_ASSERT_EQUAL(o, i);
	}
	CU_ASSERT_STRING_EQUAL(pyn_outcome_name(PYN_OUTCOME_MEMORY_LIMIT),
			       "memory_limit");
	CU_ASSERT_EQUAL(pyn_outcome_parse("timeout", &o), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(pyn_isolation_name(PYN_ISOLATION_FORKSERVER),
			       "forkserver");
}

static void test_errors(void)
{
	struct pyn_error err;
	char buf[256];

	CU_ASSERT_STRING_EQUAL(pyn_strerror(PYN_ENOMEM), "out of memory");
	CU_ASSERT_STRING_EQUAL(pyn_strerror(-999), "unknown error");
	CU_ASSERT_EQUAL(pyn_error_set(&err, PYN_EMANIFEST, "s.yaml", 12, 5,
				      "unknown key '%s'", "wal_time"),
			PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(pyn_error_format(&err, buf, sizeof(buf)),
			       "s.yaml:12:5: error: unknown key 'wal_time'");
	pyn_error_set(&err, PYN_ELOAD, NULL, 0, 0, "cannot load '%s'", "x");
	CU_ASSERT_STRING_EQUAL(pyn_error_format(&err, buf, sizeof(buf)),
			       "error: cannot load 'x'");
	CU_ASSERT_EQUAL(pyn_error_set(NULL, PYN_EIO, NULL, 0, 0, "x"), PYN_EIO);
}

static CU_TestInfo tests[] = {
	{ "pass", test_pass },
	{ "exit status", test_exit_status },
	{ "assertions", test_assertions },
	{ "pyn_fail", test_pyn_fail },
	{ "skipped", test_skipped },
	{ "signal", test_signal },
	{ "external kill", test_external_kill },
	{ "setup errors", test_setup_errors },
	{ "apply crash", test_apply_crash },
	{ "loading", test_loading },
	{ "interrupted", test_interrupted },
	{ "wall", test_wall },
	{ "deadline of another killer", test_deadline_of_other_killer },
	{ "memory claim", test_memory },
	{ "memory generic", test_memory_generic },
	{ "cpu", test_cpu },
	{ "cpu of child processes", test_cpu_children },
	{ "other claims", test_other_claims },
	{ "would pass", test_would_pass },
	{ "signal names", test_signal_names },
	{ "outcome names", test_names },
	{ "errors", test_errors },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "classify", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
