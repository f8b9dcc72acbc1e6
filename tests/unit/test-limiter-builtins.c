/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-limiter-builtins.c - the built-in limiters driven
 * through their hooks the way the engine drives them: setup in the
 * parent, apply in a forked child, started/kill/classify/teardown.
 * Each provider is chosen by calling probe() with it forced.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "limiters/util.h"
#include "host/registry.h"
#include "engine/harness.h"
#include "unit.h"

#define MiB (1024.0 * 1024.0)

/* What the engine's harness would write into the shared page. */
struct page {
	int alloc_failed;
	uint64_t alloc_failed_size;
	uint64_t vm_hwm;
	uint64_t rss_start;
	pid_t pids[4];
	volatile int spun; /* spinning_child's child used 0.2 s of CPU */
};

static struct page *page;

static const struct pyn_limiter *get(const char *name)
{
	struct pyn_error err;
	const struct pyn__limiter_slot *s;

	if (pyn__registry_init(&err) != 0)
		return NULL;
	s = pyn__registry_find(name, NULL);
	return s ? s->limiter : NULL;
}

/* Choose a provider as the registry would with it forced; 1 if usable,
 * else 0, the test skipped with the probe's reason. */
static int use_provider(const char *limiter, const char *provider)
{
	const struct pyn_limiter *l = get(limiter);
	char chosen[32] = "", why[256] = "";

	if (!l || l->probe(pyn__registry_host(), provider, chosen,
			   sizeof(chosen), why, sizeof(why)) != 1) {
		pyn_unit_skip("%s %s unsupported here: %s", limiter, provider,
			      why);
		return 0;
	}
	CU_ASSERT_STRING_EQUAL(chosen, provider);
	return 1;
}

struct run {
	struct pyn_limiter_request req;
	char child_data[PYN_LIMITER_CHILD_DATA_MAX];
	void *state;
	int setup_ret;
	int status;
	struct rusage ru;
	double wall, cpu;
	unsigned leftover;
	struct pyn_limiter_evidence ev;
	struct pyn_limiter_verdict v;
	char msg[PYN_LIMITER_MESSAGE_MAX];
};

static void request_init(struct run *r)
{
	static unsigned token = 1000;

	memset(r, 0, sizeof(*r));
	r->req.struct_size = sizeof(r->req);
	r->req.test_id = "unit.test";
	r->req.child_data = r->child_data;
	r->req.child_data_size = sizeof(r->child_data);
	r->req.terminate_child_processes = 1;
	r->req.token = token++;
}

static uint64_t status_kb(const char *key)
{
	char buf[4096], *p;
	FILE *f = fopen("/proc/self/status", "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strstr(buf, key);
	return p ? strtoull(p + strlen(key) + 1, NULL, 10) : 0;
}

/*
 * setup, fork, apply + body in the child, started, wait, kill, classify.
 * teardown is left to the caller (after its checks).
 */
static void drive(const struct pyn_limiter *l, struct run *r,
		  void (*body)(void))
{
	struct timespec t0, t1;
	pid_t pid;

	r->setup_ret = l->setup(&r->req, &r->state, r->msg, sizeof(r->msg));
	if (r->setup_ret != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		char m[PYN_LIMITER_MESSAGE_MAX];

		setpgid(0, 0);
		page->rss_start = status_kb("VmRSS:") * 1024;
		if (l->apply && l->apply(r->child_data, r->req.child_data_size,
					 m, sizeof(m)) != 0) {
			fprintf(stderr, "apply: %s\n", m);
			_exit(99);
		}
		body();
		_exit(0);
	}
	setpgid(pid, pid);
	if (l->started)
		l->started(r->state, pid);
	wait4(pid, &r->status, 0, &r->ru);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->wall = (double)(t1.tv_sec - t0.tv_sec) +
		  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	r->cpu = (double)r->ru.ru_utime.tv_sec + r->ru.ru_utime.tv_usec / 1e6 +
		 (double)r->ru.ru_stime.tv_sec + r->ru.ru_stime.tv_usec / 1e6;
	if (l->kill)
		r->leftover = l->kill(r->state, pid);
	r->ev.struct_size = sizeof(r->ev);
	r->ev.wait_status = r->status;
	r->ev.rusage = &r->ru;
	r->ev.wall_time_s = r->wall;
	r->ev.cpu_time_s = r->cpu;
	r->ev.alloc_failed = page->alloc_failed;
	r->ev.alloc_failed_size = page->alloc_failed_size;
	r->ev.vm_hwm_bytes = page->vm_hwm;
	r->ev.rss_at_start_bytes = page->rss_start;
	r->ev.would_pass = WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0;
	r->v.struct_size = sizeof(r->v);
	r->v.cpu_time_s = -1;
	r->v.peak_memory_bytes = -1;
	if (l->classify)
		l->classify(r->state, &r->ev, &r->v);
}

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

/* ---- memory ---------------------------------------------------------- */

/*
 * The memory fixture: allocate and touch 1 MiB blocks up to 256 MiB,
 * recording a failed allocation as the engine's interposer would.
 */
/* Published, so that -O2 can delete neither a block nor its writes. */
static void *volatile mem_sink;

/* Write every page through a volatile pointer: no store is dead. */
static void touch(void *p, size_t n)
{
	volatile char *v = p;
	size_t i;

	for (i = 0; i < n; i += 4096)
		v[i] = 1;
}

static void eat_memory(void)
{
	size_t i;

	for (i = 0; i < 256; i++) {
		char *p = malloc(1 << 20);

		if (!p) {
			page->alloc_failed = 1;
			page->alloc_failed_size = 1 << 20;
			page->vm_hwm = status_kb("VmHWM:") * 1024;
			_exit(1);
		}
		touch(p, 1 << 20);
		mem_sink = p;
		page->vm_hwm = status_kb("VmHWM:") * 1024;
	}
	_exit(0);
}

static void small_memory(void)
{
	char *p = malloc(8 << 20);

	touch(p, 8 << 20);
	mem_sink = p;
	page->vm_hwm = status_kb("VmHWM:") * 1024;
	free(p);
}

static void check_memory(const char *provider)
{
	const struct pyn_limiter *l = get("memory");
	struct run r;
	double peak;

	memset(page, 0, sizeof(*page));
	request_init(&r);
	CU_ASSERT_EQUAL(l->setup(&r.req, &r.state, r.msg, sizeof(r.msg)), 1);
	l->teardown(r.state);

	request_init(&r);
	r.req.memory_bytes = 64 << 20;
	drive(l, &r, eat_memory);
	CU_ASSERT_EQUAL_FATAL(r.setup_ret, 0);
	peak = (double)r.v.peak_memory_bytes / MiB;
	printf("\n    %s: status %#x, %s, peak %.1f MiB", provider, r.status,
	       r.v.message, peak);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_MEMORY_LIMIT);
	CU_ASSERT(strncmp(r.v.message, "exceeded memory limit 64.0 MiB (",
			  32) == 0);
	/* The same fixture gives a similar peak under every provider. */
	CU_ASSERT(peak > 48 && peak <= 64.5);
	l->teardown(r.state);

	/* Under the limit: a pass stays a pass, with its peak measured. */
	memset(page, 0, sizeof(*page));
	request_init(&r);
	r.req.memory_bytes = 64 << 20;
	drive(l, &r, small_memory);
	CU_ASSERT(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_UNDECIDED);
	peak = (double)r.v.peak_memory_bytes / MiB;
	printf(", small test peak %.1f MiB", peak);
	CU_ASSERT(peak >= 7.5 && peak < 20);
	l->teardown(r.state);
}

static void test_memory_cgroup1(void)
{
	if (use_provider("memory", "cgroup1")) {
		check_memory("cgroup1");
		/* the OOM victim was SIGKILLed by the kernel */
	}
}

static void test_memory_rlimit(void)
{
	if (use_provider("memory", "rlimit"))
		check_memory("rlimit");
}

static void test_memory_cgroup2(void)
{
	if (use_provider("memory", "cgroup2"))
		check_memory("cgroup2");
}

/* A pass with a failed allocation it handled stays a pass. */
static void test_memory_alloc_failed_but_passed(void)
{
	const struct pyn_limiter *l = get("memory");
	struct run r;

	if (!use_provider("memory", "rlimit"))
		return;
	request_init(&r);
	r.req.memory_bytes = 64 << 20;
	CU_ASSERT_EQUAL_FATAL(l->setup(&r.req, &r.state, r.msg, sizeof(r.msg)),
			      0);
	memset(&r.ev, 0, sizeof(r.ev));
	r.ev.struct_size = sizeof(r.ev);
	r.ev.alloc_failed = 1;
	r.ev.alloc_failed_size = 128 << 20;
	r.ev.would_pass = 1;
	r.v.struct_size = sizeof(r.v);
	l->classify(r.state, &r.ev, &r.v);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_UNDECIDED);
	r.ev.would_pass = 0;
	l->classify(r.state, &r.ev, &r.v);
	CU_ASSERT_EQUAL(r.v.outcome, PYN_OUTCOME_MEMORY_LIMIT);
	CU_ASSERT_STRING_EQUAL(
		r.v.message,
		"exceeded memory limit 64.0 MiB (allocation of 128.0 MiB failed)");
	l->teardown(r.state);
}

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

static int suite_init(void)
{
	page = mmap(NULL, sizeof(*page), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return page == MAP_FAILED;
}

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
	{ "wall_time sets the deadline and claims it", test_wall_time },
	{ "cpu_time timer ends a spinning test", test_cpu_time_timer },
	{ "cpu_time backstop rlimits", test_cpu_time_backstop },
	/* Parts (tests/limiters.cmake): each may skip here. */
	{ "memory.cgroup1", test_memory_cgroup1 },
	{ "memory.rlimit", test_memory_rlimit },
	{ "memory.cgroup2", test_memory_cgroup2 },
	{ "memory.alloc_failed_but_passed",
	  test_memory_alloc_failed_but_passed },
	{ "process_tree.cgroup2", test_tree_cgroup2 },
	{ "process_tree.subreaper", test_tree_subreaper },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "limiters", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
