/* SPDX-License-Identifier: MIT */
/*
 * tests/engine/fixture.c - test functions with every behaviour the engine
 * must classify, loaded by tests/unit/test-engine.c as a SYMBOL task.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <CUnit/CUnit.h>
#include <pyntest/test.h>

#define FX __attribute__((visibility("default")))

FX void fx_pass(void);
FX void fx_assert_fail(void);
FX void fx_assert_fatal(void);
FX void fx_exit3(void);
FX void fx_segv(void);
FX void fx_abort(void);
FX void fx_sleep(void);
FX void fx_spin(void);
FX void fx_null_deref(void);
FX void fx_checked_malloc(void);
FX void fx_huge_calloc(void);
FX void fx_32mb(void);
FX void fx_skip(void);
FX void fx_fail(void);
FX void fx_setup(void);
FX void fx_teardown(void);
FX void fx_print(void);
FX void fx_return(void);
FX void fx_unflushed_file(void);
FX void fx_unflushed_wide(void);

/* The line of the failing assertion, checked by test-engine. */
#define FX_ASSERT_LINE 50
void fx_pass(void)
{
	CU_ASSERT_EQUAL(1 + 1, 2);
}

void fx_assert_fail(void)
{
	int a = 1, b = 2;
	CU_ASSERT_EQUAL(a, b);
	CU_ASSERT(a == 1);
	CU_ASSERT(b == 3);
}

void fx_assert_fatal(void)
{
	CU_ASSERT_FATAL(0 == 1);
	printf("after fatal\n");
}

void fx_exit3(void)
{
	exit(3);
}

/* A real fault, not a sanitizer report. */
__attribute__((no_sanitize("undefined"))) void fx_segv(void)
{
	volatile int *p = NULL;
	*p = 1;
}

void fx_abort(void)
{
	abort();
}

void fx_sleep(void)
{
	sleep(30);
}

void fx_spin(void)
{
	volatile unsigned long x = 0;
	time_t end = time(NULL) + 20;

	while (time(NULL) < end)
		x++;
}

/*
 * Kept, and every page written through a volatile pointer, so that an
 * optimising compiler cannot drop the allocations (malloc + memset +
 * never read is dead code at -O2).
 */
static void *volatile chunks[4096];

static void touch(char *p, size_t n)
{
	volatile char *v = p;

	for (size_t i = 0; i < n; i += 4096)
		v[i] = 1;
}

void fx_null_deref(void)
{
	size_t i;
	char *p;

	for (i = 0; i < 4096; i++) {
		p = malloc(1 << 20);
		chunks[i] = p;
		touch(p, 1 << 20); /* NULL once the limit is hit: SIGSEGV */
	}
}

void fx_checked_malloc(void)
{
	size_t i;
	char *p;

	for (i = 0; i < 4096; i++) {
		p = malloc(1 << 20);
		if (!p)
			abort();
		touch(p, 1 << 20);
		chunks[i] = p;
	}
}

void fx_huge_calloc(void)
{
	char *p = calloc(1, (size_t)1 << 30);

	chunks[0] = p;
	touch(p, (size_t)1 << 30);
}

void fx_32mb(void)
{
	char *p = malloc(32 << 20);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	chunks[0] = p;
	touch(p, 32 << 20);
	free(p);
}

void fx_skip(void)
{
	pyn_skip("not today");
}

void fx_fail(void)
{
	pyn_fail(7, "wrong answer %d", 41);
}

void fx_setup(void)
{
	printf("setup ran\n");
}

void fx_teardown(void)
{
	printf("teardown ran\n");
	fflush(stdout);
}

void fx_print(void)
{
	printf("hello out\n");
	fprintf(stderr, "hello err\n");
}

/*
 * Output left in stdio's buffers when the test returns, which the harness
 * must flush: a file opened and never closed (its path named by the
 * runner's pid, read by test-engine), and a wide stream with no newline.
 */
void fx_unflushed_file(void)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/pyn-fx-unflushed-%d",
		 (int)getppid());
	f = fopen(path, "w");
	if (f)
		fputs("kept", f);
}

void fx_unflushed_wide(void)
{
	/* Its own stream: a forked test's stdout may be byte-oriented. */
	FILE *f = fdopen(dup(STDOUT_FILENO), "w");

	if (f)
		fwprintf(f, L"wide %d", 7);
}

/*
 * Leaves a process behind that writes into the test's stdout 100 ms
 * later, after the test ended: it must be killed with the test, and its
 * line must never reach a later test's output.
 */
FX void fx_late_writer(void);
void fx_late_writer(void)
{
	if (fork() == 0) {
		usleep(100 * 1000);
		printf("late\n");
		fflush(stdout);
		_exit(0);
	}
	printf("early\n");
}

void fx_return(void)
{
	static const char msg[] = "from the library";

	pyn_return(msg, sizeof(msg));
}

/* Who loaded the library, who runs the test, and its parent. */
FX void fx_pids(void);
static pid_t loader_pid;

__attribute__((constructor)) static void remember_loader(void)
{
	loader_pid = getpid();
}

void fx_pids(void)
{
	pid_t pids[3] = { loader_pid, getpid(), getppid() };

	pyn_return(pids, sizeof(pids));
}

/*
 * Leaves a process writing into the test's stdout as fast as it can: what
 * it writes after the test's own process ended, until it is killed, is
 * this test's output, never the next one's.
 */
FX void fx_busy_writer(void);
void fx_busy_writer(void)
{
	int ready[2];
	char c;

	/*
	 * Ends only once the writer has written: on a loaded machine (or
	 * under ASan) a new process may not run within any fixed time.
	 */
	if (pipe(ready) != 0)
		return;
	if (fork() == 0) {
		close(ready[0]);
		if (write(STDOUT_FILENO, "LEAK\n", 5) < 0 ||
		    write(ready[1], "w", 1) < 0)
			_exit(1);
		close(ready[1]);
		for (;;)
			if (write(STDOUT_FILENO, "LEAK\n", 5) < 0)
				_exit(1);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) < 0)
		c = 0;
	close(ready[0]);
	usleep(2 * 1000);
}

/*
 * Kills the process that loaded the library at once: in forkserver mode
 * its server, most likely before the server told the runner this test's
 * pid (the runner then finds it in the job page).
 */
FX void fx_kill_loader(void);
void fx_kill_loader(void)
{
	if (loader_pid != getpid())
		kill(loader_pid, SIGKILL);
}

/* A CUnit suite, imported whole (PYN_TASK_CUNIT). */
static int suite_inited;

static int cu_init(void)
{
	suite_inited = 1;
	return 0;
}

static int cu_clean(void)
{
	printf("suite cleanup\n");
	return 0;
}

static void cu_setup(void)
{
	printf("per-test setup\n");
}

static void cu_pass(void)
{
	CU_ASSERT_TRUE(suite_inited);
}

static void cu_fail(void)
{
	CU_ASSERT_STRING_EQUAL("a", "b");
}

static CU_TestInfo cu_tests[] = {
	{ "t_pass", cu_pass },
	{ "t_fail", cu_fail },
	CU_TEST_INFO_NULL,
};

FX CU_SuiteInfo fx_suites[];
CU_SuiteInfo fx_suites[] = {
	{ "s", cu_init, cu_clean, cu_setup, NULL, cu_tests },
	CU_SUITE_INFO_NULL,
};

/* A registration function (cunit_register:), CUnit's other style. */
static void reg_fail(void)
{
	CU_ASSERT_EQUAL(6 * 7, 41);
}

FX void fx_register(void);
void fx_register(void)
{
	CU_pSuite s = CU_add_suite("reg", NULL, NULL);

	CU_add_test(s, "r_pass", cu_pass);
	CU_add_test(s, "r_fail", reg_fail);
}

/* Threads and fork inside a test (the fork server's clone must allow both). */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

static void *twice(void *p)
{
	*(int *)p *= 2;
	return p;
}

FX void fx_thread_fork(void);
void fx_thread_fork(void)
{
	pthread_t t;
	int v = 21, st = 0;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, twice, &v), 0);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(v, 42);
	pid = fork();
	if (pid == 0)
		_exit(7);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	/* glibc's idea of our tid is ours, not the server's. */
	CU_ASSERT_EQUAL(pthread_kill(pthread_self(), 0), 0);
}

/*
 * A process the test forks fails a fatal assertion, then the test does:
 * each jumps to the teardown in its own process, and the test's teardown
 * runs in the test (it says where it ran).
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

FX void fx_fork_fatal(void);
FX void fx_where_teardown(void);
FX void fx_seccomp_pass(void);

static pid_t fx_test_pid;

void fx_fork_fatal(void)
{
	pid_t pid;

	fx_test_pid = getpid();
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		CU_ASSERT_FATAL(0 == 1);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	CU_ASSERT_FATAL(2 == 3);
}

void fx_where_teardown(void)
{
	printf("teardown in %s\n",
	       getpid() == fx_test_pid ? "the test" : "its child");
	fflush(stdout);
}

/*
 * Puts itself under a seccomp filter that kills at any system call but
 * write, exit and exit_group (a sandbox's test; and sigaltstack), then
 * passes: what the harness does after the test must not need another.
 */
void fx_seccomp_pass(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_write, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit_group, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_exit, 2, 0),
		/* AddressSanitizer's prctl() asks for the signal stack. */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sigaltstack, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		pyn_fail(1, "cannot install the filter");
	CU_ASSERT_EQUAL(1 + 1, 2);
}

/*
 * Fails unless the test runs on the CPUs its parent (the runner, in every
 * mode) may run on: a fork server keeps itself and each test's process
 * to one CPU until the test's start (worker_server.c, pin_server).
 */
#include <sched.h>

FX void fx_affinity_given(void);

void fx_affinity_given(void)
{
	cpu_set_t mine, runner;

	if (sched_getaffinity(0, sizeof(mine), &mine) != 0 ||
	    sched_getaffinity(getppid(), sizeof(runner), &runner) != 0)
		pyn_fail(1, "sched_getaffinity failed");
	if (!CPU_EQUAL(&mine, &runner))
		pyn_fail(1, "the test may run on %d CPUs, its runner on %d",
			 CPU_COUNT(&mine), CPU_COUNT(&runner));
}
