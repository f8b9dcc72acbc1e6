/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/limiter_test.h - what the test-limiter-* programs of the
 * built-in limiters share: the shared page the engine's harness would
 * fill, a provider chosen as the registry would with it forced, and
 * drive(): a limiter's hooks called the way the engine calls them.
 */
#ifndef PYN_TESTS_LIMITER_TEST_H
#define PYN_TESTS_LIMITER_TEST_H

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

static inline const struct pyn_limiter *get(const char *name)
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
static inline int use_provider(const char *limiter, const char *provider)
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

static inline void request_init(struct run *r)
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

static inline uint64_t status_kb(const char *key)
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
static inline void drive(const struct pyn_limiter *l, struct run *r,
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

/* The suites' init: the shared page. */
static inline int suite_init(void)
{
	page = mmap(NULL, sizeof(*page), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return page == MAP_FAILED;
}

#endif /* PYN_TESTS_LIMITER_TEST_H */
