/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-limiter-util.c - the limiters' shared helpers against
 * the host: placed_in() of a cgroup directory or its cgroup.procs, and
 * a cgroup write interrupted by a signal, retried.
 */
#include "limiter_test.h"

/*
 * A signal that interrupts a cgroup write (memory v1's limit_in_bytes
 * gives up with EINTR at any pending signal) does not fail the write:
 * shown on a full pipe, whose writer the signal interrupts; its handler
 * makes room, so the retried write goes through.
 */
static int eintr_read_end = -1;

static void make_room(int sig)
{
	char buf[4096];

	(void)sig;
	while (read(eintr_read_end, buf, sizeof(buf)) > 0)
		;
}

static void test_write_retries_eintr(void)
{
	struct sigaction sa, old;
	struct itimerval it;
	char path[64], buf[4096];
	int p[2];

	CU_ASSERT_FATAL(pipe(p) == 0);
	eintr_read_end = p[0];
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	memset(buf, 'x', sizeof(buf));
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = make_room;
	sa.sa_flags = 0; /* no SA_RESTART: the write sees EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 50 * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
	/* A new open file of the write end: blocking, full. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	CU_ASSERT_EQUAL(lim_write_file(path, "1"), 0);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	sigaction(SIGALRM, &old, NULL);
	close(p[0]);
	close(p[1]);
}

/*
 * A process the host created in its cgroup (CLONE_INTO_CGROUP) joins
 * nothing: the host's placed_in() knows the directory, given as itself or
 * as its cgroup.procs (what a limiter keeps), and nothing else.  Until
 * the engine tells the host how to know (as its fork server does), the
 * host placed nothing.
 */
static void test_placed_in(void)
{
#define T7 "/sys/fs/cgroup/pyntest-1-x/t7"
	const struct pyn_host *host = pyn__registry_host();

	CU_ASSERT_FATAL(PYN_LIMITER_HAS(host, placed_in) && host->placed_in);
	pyn__child_placed(T7);
	CU_ASSERT_FALSE(host->placed_in(T7));
	CU_ASSERT_FALSE(lim_placed(host, T7 "/cgroup.procs"));
	pyn__child_placed(NULL);
	pyn__registry_set_placed_in(pyn__child_placed_in);
	CU_ASSERT_FATAL(host->placed_in == pyn__child_placed_in);
	CU_ASSERT_FALSE(lim_placed(host, T7 "/cgroup.procs"));
	pyn__child_placed(T7);
	CU_ASSERT_TRUE(host->placed_in(T7));
	CU_ASSERT_TRUE(lim_placed(host, T7 "/cgroup.procs"));
	CU_ASSERT_FALSE(lim_placed(host, T7 "0/cgroup.procs"));
	CU_ASSERT_FALSE(lim_placed(host, "/sys/fs/cgroup/pyntest-1-x/t"));
	CU_ASSERT_FALSE(lim_placed(host, T7 "/cgroup.proc"));
	CU_ASSERT_FALSE(lim_placed(host, T7 "/cgroup.procsx"));
	CU_ASSERT_FALSE(lim_placed(host, T7 "/tasks"));
	CU_ASSERT_FALSE(host->placed_in("/sys/fs/cgroup/pyntest-1-x"));
	CU_ASSERT_FALSE(host->placed_in(NULL));
	pyn__child_placed(NULL);
	CU_ASSERT_FALSE(lim_placed(host, T7 "/cgroup.procs"));
	pyn__registry_set_placed_in(NULL);
	pyn__child_placed(T7);
	CU_ASSERT_FALSE(host->placed_in(T7));
	pyn__child_placed(NULL);
#undef T7
}

static CU_TestInfo tests[] = {
	{ "placed_in: the host's cgroup, as a directory or its cgroup.procs",
	  test_placed_in },
	{ "a cgroup write interrupted by a signal is retried",
	  test_write_retries_eintr },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "limiters.util", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
