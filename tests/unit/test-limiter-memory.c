/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-limiter-memory.c - the built-in memory limiter driven
 * through its hooks the way the engine drives it, each provider (cgroup1,
 * rlimit, cgroup2) chosen by calling probe() with it forced.
 */
#include "limiter_test.h"

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

static CU_TestInfo tests[] = {
	/* Parts (tests/limiters.cmake): each may skip here. */
	{ "cgroup1", test_memory_cgroup1 },
	{ "rlimit", test_memory_rlimit },
	{ "cgroup2", test_memory_cgroup2 },
	{ "alloc_failed_but_passed", test_memory_alloc_failed_but_passed },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "limiters.memory", suite_init, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
