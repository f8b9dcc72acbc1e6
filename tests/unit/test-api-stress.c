/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-api-stress.c - what <pyntest/pyntest.h> says about
 * threads and re-entrancy, and pynisher's process-tree tests:
 *  - 4 threads x 20 calls on one shared pyn_limited, all correct;
 *  - 1000 sequential calls leave no fd, child or memory behind;
 *  - nested limits: the inner outcome comes back to the outer function,
 *    an outer limit that fires kills the inner call's process too;
 *  - terminate_child_processes: a grandchild (and a setsid() double-fork
 *    escaper) is gone after the call; with false it lives on.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

#include "unit.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static unsigned count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

static long status_kib(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* No child of ours is left, running or zombie. */
static int no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

/* 'R', 'S', 'Z', ... of a process, or 0 when it is gone. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Gone (or a zombie nobody reaps) within `ms`, scaled by PYN_T. */
static int gone_within(pid_t pid, int ms)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	char st;
	int i;

	for (i = 0; i < PYN_T(ms) / 10; i++) {
		st = proc_state(pid);
		if (st == 0 || st == 'Z' || st == 'X')
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

static void fn_double(void *arg)
{
	int v = *(int *)arg * 2;

	pyn_return(&v, sizeof(v));
}

/* ---- threads ------------------------------------------------------------ */

struct worker {
	pthread_t thread;
	struct pyn_limited *lf;
	int base;
	int ok;
	int bad;
};

static void *worker_main(void *p)
{
	struct worker *w = p;
	struct pyn_result res = PYN_RESULT_INIT;
	int i, v;

	for (i = 0; i < 20; i++) {
		v = w->base + i;
		if (pyn_limited_call(w->lf, &v, &res, NULL) == 0 &&
		    res.outcome == PYN_OUTCOME_PASS &&
		    res.size == sizeof(int) && *(int *)res.data == 2 * v)
			w->ok++;
		else
			w->bad++;
		pyn_result_release(&res);
	}
	return NULL;
}

static void quiet(void *user, const char *message)
{
	(void)message;
	++*(unsigned *)user;
}

static void test_threads(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct worker w[4];
	struct pyn_limited *lf;
	unsigned fds, warnings = 0;
	int i, ok = 0, bad = 0;

	lim.wall_time_s = 10;
	lim.memory_bytes = PYN_MiB(256);
	lf = pyn_limited_new(fn_double, &lim, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
	pyn_limited_on_warning(lf, quiet, &warnings);
	fds = count_fds();
	for (i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].lf = lf;
		w[i].base = 1000 * i;
		CU_ASSERT_FATAL(pthread_create(&w[i].thread, NULL, worker_main,
					       &w[i]) == 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(w[i].thread, NULL);
		ok += w[i].ok;
		bad += w[i].bad;
	}
	CU_ASSERT_EQUAL(ok, 80);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(count_fds(), fds);
	CU_ASSERT(no_children());
	/* The fork-from-threads warning, once for the object. */
	CU_ASSERT(warnings <= 1);
	pyn_limited_free(lf);
}

/* ---- many calls ---------------------------------------------------------- */

static void test_many_calls(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	unsigned fds;
	long rss0, rss1;
	int i, v, bad = 0;

	lim.wall_time_s = 10;
	lim.cpu_time_s = 10;
	lim.memory_bytes = PYN_MiB(256);
	lf = pyn_limited_new(fn_double, &lim, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lf);
	/* Warm up: the registry, stdio, the allocator's arenas. */
	for (i = 0; i < 50; i++) {
		v = i;
		pyn_limited_call(lf, &v, &res, NULL);
		pyn_result_release(&res);
	}
	fds = count_fds();
	rss0 = status_kib("VmRSS");
	for (i = 0; i < 1000; i++) {
		v = i;
		if (pyn_limited_call(lf, &v, &res, NULL) != 0 ||
		    res.outcome != PYN_OUTCOME_PASS ||
		    *(int *)res.data != 2 * i)
			bad++;
		pyn_result_release(&res);
	}
	rss1 = status_kib("VmRSS");
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(count_fds(), fds);
	CU_ASSERT(no_children());
	printf("(1000 calls: fds %u -> %u, RSS %ld -> %ld KiB) ", fds,
	       count_fds(), rss0, rss1);
	/* pynisher leaks 2 fds per call; a leak of 1 KiB per call shows. */
	if (!SANITIZED)
		CU_ASSERT(rss1 - rss0 < 1024);
	pyn_limited_free(lf);
}

/* ---- nested limits ------------------------------------------------------- */

static void fn_sleep(void *arg)
{
	pid_t *where = arg;

	if (where)
		*where = getpid();
	for (;;)
		pause();
}

static void fn_eat(void *arg)
{
	size_t n = *(size_t *)arg;
	char *p = malloc(n);

	if (!p)
		abort();
	/* Every page through a volatile pointer: -O2 keeps the writes. */
	for (size_t i = 0; i < n; i += 4096)
		((volatile char *)p)[i] = 1;
	free(p);
}

/* Outer: run an inner limited call, hand back its outcome. */
static void outer_wall(void *arg)
{
	struct pyn_limits in = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	int out[2];

	(void)arg;
	in.wall_time_s = PYN_MS(200);
	if (pyn_call(fn_sleep, NULL, &in, &res, NULL) != 0)
		pyn_fail(1, "inner call failed");
	out[0] = (int)res.outcome;
	out[1] = (int)(res.wall_time_s * 1000);
	pyn_result_release(&res);
	pyn_return(out, sizeof(out));
}

static void outer_memory(void *arg)
{
	struct pyn_limits in = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	size_t n = (size_t)PYN_MiB(128);
	int out;

	(void)arg;
	in.memory_bytes = PYN_MiB(32);
	in.wall_time_s = 10;
	if (pyn_call(fn_eat, &n, &in, &res, NULL) != 0)
		pyn_fail(1, "inner call failed");
	out = (int)res.outcome;
	pyn_result_release(&res);
	/* The outer limit still holds what the inner one allowed. */
	n = (size_t)PYN_MiB(16);
	fn_eat(&n);
	pyn_return(&out, sizeof(out));
}

static void outer_killed(void *arg)
{
	struct pyn_limits in = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;

	in.wall_time_s = 30;
	pyn_call(fn_sleep, arg, &in, &res, NULL);
	pyn_result_release(&res);
}

static void test_nested(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	pid_t *inner;
	unsigned fds = count_fds();

	lim.wall_time_s = 5;
	lim.memory_bytes = PYN_MiB(256);
	CU_ASSERT_EQUAL_FATAL(pyn_call(outer_wall, NULL, &lim, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL_FATAL(res.size, 2 * sizeof(int));
	CU_ASSERT_EQUAL(((int *)res.data)[0], PYN_OUTCOME_WALL_TIMEOUT);
	CU_ASSERT(((int *)res.data)[1] >= 190 && ((int *)res.data)[1] < 1000);
	pyn_result_release(&res);

	CU_ASSERT_EQUAL_FATAL(pyn_call(outer_memory, NULL, &lim, &res, NULL),
			      0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL_FATAL(res.size, sizeof(int));
	CU_ASSERT_EQUAL(*(int *)res.data, PYN_OUTCOME_MEMORY_LIMIT);
	pyn_result_release(&res);

	/* The outer limit fires while the inner call runs: both go. */
	inner = mmap(NULL, sizeof(*inner), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CU_ASSERT_FATAL(inner != MAP_FAILED);
	*inner = 0;
	lim.wall_time_s = PYN_MS(500);
	CU_ASSERT_EQUAL_FATAL(pyn_call(outer_killed, inner, &lim, &res, NULL),
			      0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	CU_ASSERT(res.wall_time_s < 0.5 + PYN_T(1.0));
	pyn_result_release(&res);
	CU_ASSERT_FATAL(*inner > 0);
	CU_ASSERT(gone_within(*inner, 2000));
	if (!gone_within(*inner, 0))
		kill(*inner, SIGKILL);
	munmap(inner, sizeof(*inner));
	CU_ASSERT_EQUAL(count_fds(), fds);
	CU_ASSERT(no_children());
}

/* ---- terminate_child_processes (pynisher's test_terminate_child) -------- */

/* Start a grandchild that sleeps; its pid goes to the shared word. */
static void fn_spawn_grandchild(void *arg)
{
	pid_t *where = arg, pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	*where = pid;
}

/* setsid() and a double fork: the escaper pynisher's tree walk misses. */
static void fn_escape(void *arg)
{
	pid_t *where = arg, pid = fork();

	if (pid == 0) {
		setsid();
		if (fork() == 0) {
			*where = getpid();
			for (;;)
				pause();
		}
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	while (!*(volatile pid_t *)where)
		usleep(1000);
}

static void check_tree(void (*fn)(void *), int terminate)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	pid_t *pid = mmap(NULL, sizeof(*pid), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CU_ASSERT_FATAL(pid != MAP_FAILED);
	*pid = 0;
	lim.wall_time_s = 5;
	lim.terminate_child_processes = terminate;
	CU_ASSERT_EQUAL_FATAL(pyn_call(fn, pid, &lim, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_FATAL(*pid > 0);
	if (terminate) {
		CU_ASSERT(gone_within(*pid, 2000));
		CU_ASSERT(res.leftover_processes >= 1);
	} else {
		CU_ASSERT(!gone_within(*pid, 200));
		CU_ASSERT_EQUAL(res.leftover_processes, 0);
	}
	pyn_result_release(&res);
	/* The test cleans what it let live. */
	kill(*pid, SIGKILL);
	gone_within(*pid, 2000);
	munmap(pid, sizeof(*pid));
}

static void test_terminate_children(void)
{
	check_tree(fn_spawn_grandchild, 1);
	check_tree(fn_escape, 1);
}

static void test_keep_children(void)
{
	check_tree(fn_spawn_grandchild, 0);
	check_tree(fn_escape, 0);
}

static CU_TestInfo tests[] = {
	{ "4 threads x 20 calls on one limited function", test_threads },
	{ "1000 calls leak no fd, child or memory", test_many_calls },
	{ "nested limits", test_nested },
	{ "terminate_child_processes kills grandchildren and escapers",
	  test_terminate_children },
	{ "terminate_child_processes=false keeps them", test_keep_children },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "api-stress", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
