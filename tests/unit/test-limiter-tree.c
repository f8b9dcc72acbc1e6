/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-limiter-tree.c - the built-in process_tree limiter
 * driven through its hooks the way the engine drives it, each provider
 * (cgroup2, subreaper) chosen by calling probe() with it forced: a
 * setsid + double-fork grandchild, children slow to go.
 */
#include "limiter_test.h"

/* ---- process_tree ---------------------------------------------------- */

static ssize_t lim_read_events(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static bool gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* A zombie is gone too: it runs nothing (ours to reap). */
	if (p && (p[2] == 'Z' || p[2] == 'X')) {
		waitpid(pid, NULL, WNOHANG);
		return true;
	}
	return false;
}

/* The test: a grandchild calls setsid() and double-forks a sleeper. */
static void escape_tree(void)
{
	pid_t b = fork();

	if (b == 0) {
		setsid();
		if (fork() == 0) {
			page->pids[0] = getpid();
			for (;;)
				pause();
		}
		_exit(0);
	}
	waitpid(b, NULL, 0);
	while (!page->pids[0])
		usleep(1000);
}

static void sleep_with_child(void)
{
	if (fork() == 0) {
		page->pids[1] = getpid();
		for (;;)
			pause();
	}
	for (;;)
		pause();
}

static void check_tree(const char *provider)
{
	const struct pyn_limiter *l = get("process_tree");
	struct run r;
	pid_t pid, bystander;
	int status;

	/*
	 * A child of the runner in its own process group from before the
	 * test (like a fork server) is not the test's to kill.
	 */
	bystander = fork();
	if (bystander == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(bystander, bystander);
	memset(page, 0, sizeof(*page));
	request_init(&r);
	drive(l, &r, escape_tree);
	CU_ASSERT(!gone(bystander));
	kill(bystander, SIGKILL);
	waitpid(bystander, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(r.setup_ret, 0);
	CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	CU_ASSERT(page->pids[0] > 0);
	printf("\n    %s: %u leftover killed", provider, r.leftover);
	CU_ASSERT_EQUAL(r.leftover, 1);
	CU_ASSERT(gone(page->pids[0]));
	l->teardown(r.state);

	/* A deadline: kill() while the test runs ends it and its child. */
	memset(page, 0, sizeof(*page));
	request_init(&r);
	CU_ASSERT_EQUAL_FATAL(l->setup(&r.req, &r.state, r.msg, sizeof(r.msg)),
			      0);
	pid = fork();
	if (pid == 0) {
		char m[PYN_LIMITER_MESSAGE_MAX];

		setpgid(0, 0);
		if (l->apply(r.child_data, r.req.child_data_size, m, sizeof(m)))
			_exit(99);
		sleep_with_child();
	}
	setpgid(pid, pid);
	l->started(r.state, pid);
	while (!page->pids[1])
		usleep(1000);
	r.leftover = l->kill(r.state, pid);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CU_ASSERT(r.leftover >= 1);
	CU_ASSERT(l->kill(r.state, pid) == 0);
	CU_ASSERT(gone(page->pids[1]));
	l->teardown(r.state);
}

/*
 * The test: a child that spins, not waited for; the test sleeps 0.3 s and
 * until the child has used 0.2 s of CPU, however busy the machine is.
 */
static void spinning_child(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int i;

	page->spun = 0;
	if (fork() == 0) {
		volatile unsigned long n = 0;
		struct timespec cpu;

		for (;;) {
			if ((++n & 0xffff) != 0)
				continue;
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
			if (cpu.tv_sec > 0 || cpu.tv_nsec >= 200 * 1000 * 1000)
				page->spun = 1;
		}
	}
	for (i = 0; i < 30 || (!page->spun && i < PYN_T(500)); i++)
		nanosleep(&ts, NULL);
}

/* The test: a child holding a big mapping, slow to tear down. */
static void big_child(void)
{
	size_t n = (size_t)192 << 20;
	char *p;

	if (fork() == 0) {
		p = mmap(NULL, n, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p != MAP_FAILED)
			memset(p, 1, n);
		page->pids[2] = getpid();
		for (;;)
			pause();
	}
	for (;;)
		pause();
}

static void test_tree_cgroup2(void)
{
	const struct pyn_limiter *l;
	const struct pyn_host *host = pyn__registry_host();
	char events[PATH_MAX], buf[256];
	struct run r;
	pid_t pid;
	int i, seen_populated = 0;
	ssize_t n;

	if (!use_provider("process_tree", "cgroup2"))
		return;
	check_tree("cgroup2");
	l = get("process_tree");

	/* classify() reports the cgroup's CPU: the unwaited child's too. */
	memset(page, 0, sizeof(*page));
	request_init(&r);
	drive(l, &r, spinning_child);
	CU_ASSERT_EQUAL_FATAL(r.setup_ret, 0);
	printf("\n    cgroup2: cpu.stat %.3f s, wait4 %.3f s", r.v.cpu_time_s,
	       r.cpu);
	CU_ASSERT(r.v.cpu_time_s >= 0.15);
	CU_ASSERT(r.cpu < 0.1);
	l->teardown(r.state);

	/*
	 * kill() while the test runs (a deadline, in the runner's event
	 * loop) writes cgroup.kill and returns: it does not wait until a
	 * big process has torn down its memory.  The old kill() always
	 * returned with the cgroup empty.
	 */
	for (i = 0; i < 3 && !seen_populated; i++) {
		memset(page, 0, sizeof(*page));
		request_init(&r);
		CU_ASSERT_EQUAL_FATAL(
			l->setup(&r.req, &r.state, r.msg, sizeof(r.msg)), 0);
		snprintf(events, sizeof(events), "%s/%s%u/cgroup.events",
			 host->cgroup_parent("unified"), host->cgroup_prefix,
			 r.req.token);
		pid = fork();
		if (pid == 0) {
			char m[PYN_LIMITER_MESSAGE_MAX];

			setpgid(0, 0);
			if (l->apply(r.child_data, r.req.child_data_size, m,
				     sizeof(m)))
				_exit(99);
			big_child();
		}
		setpgid(pid, pid);
		l->started(r.state, pid);
		while (!page->pids[2])
			usleep(1000);
		l->kill(r.state, pid);
		n = lim_read_events(events, buf, sizeof(buf));
		if (n > 0 && strstr(buf, "populated 1"))
			seen_populated = 1;
		CU_ASSERT_EQUAL(waitpid(pid, NULL, 0), pid);
		/* After the reaping, the bounded wait: nothing is left. */
		CU_ASSERT(l->kill(r.state, pid) == 0);
		CU_ASSERT(gone(page->pids[2]));
		n = lim_read_events(events, buf, sizeof(buf));
		CU_ASSERT(n > 0 && strstr(buf, "populated 0") != NULL);
		l->teardown(r.state);
	}
	CU_ASSERT(seen_populated);

	/*
	 * A CPU limit: a deadline at the limit; the tree's CPU decides
	 * whether to kill (0) or look again later (> 0).
	 */
	memset(page, 0, sizeof(*page));
	request_init(&r);
	r.req.cpu_time_s = 0.2;
	CU_ASSERT_EQUAL_FATAL(l->setup(&r.req, &r.state, r.msg, sizeof(r.msg)),
			      0);
	CU_ASSERT(r.req.deadline_s >= 0.2 && r.req.deadline_s < 0.3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l->deadline);
	pid = fork();
	if (pid == 0) {
		char m[PYN_LIMITER_MESSAGE_MAX];

		setpgid(0, 0);
		if (l->apply(r.child_data, r.req.child_data_size, m, sizeof(m)))
			_exit(99);
		spinning_child();
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	l->started(r.state, pid);
	/* Just started: not used yet, ask again later. */
	CU_ASSERT(l->deadline(r.state, 0.0) > 0);
	for (i = 0; i < PYN_T(300) && l->deadline(r.state, 0.0) > 0; i++)
		usleep(10000);
	CU_ASSERT(i < PYN_T(300));
	l->kill(r.state, pid);
	CU_ASSERT_EQUAL(waitpid(pid, &r.status, 0), pid);
	memset(&r.ev, 0, sizeof(r.ev));
	r.ev.struct_size = sizeof(r.ev);
	r.ev.wait_status = r.status;
	r.ev.killed_by = PYN_KILL_DEADLINE;
	r.ev.killer = "process_tree";
	memset(&r.v, 0, sizeof(r.v));
	r.v.struct_size = sizeof(r.v);
	r.v.cpu_time_s = -1;
	l->classify(r.state, &r.ev, &r.v);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_CPU_TIMEOUT);
	CU_ASSERT(
		strstr(r.v.message, "exceeded CPU time limit 0.200 s (used ") ==
		r.v.message);
	CU_ASSERT(strstr(r.v.message, "with its child processes") != NULL);
	CU_ASSERT(r.v.cpu_time_s >= 0.2 && r.v.cpu_time_s < 0.2 + PYN_T(0.8));
	printf("\n    cgroup2: %s", r.v.message);
	CU_ASSERT(l->kill(r.state, pid) == 0);
	l->teardown(r.state);
}

static void test_tree_subreaper(void)
{
	if (use_provider("process_tree", "subreaper"))
		check_tree("subreaper");
}

static CU_TestInfo tests[] = {
	/* Parts (tests/limiters.cmake): each may skip here. */
	{ "cgroup2", test_tree_cgroup2 },
	{ "subreaper", test_tree_subreaper },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "limiters.process_tree", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
