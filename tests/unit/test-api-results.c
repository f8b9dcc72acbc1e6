/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-api-results.c - bytes back from a limited function,
 * pyn_return() and the zero-copy pyn_return_buffer(), from 0 B to 1 GiB
 * (pynisher: 1 GiB took 135 s through its pipe; its test is skipped).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

#include "unit.h"

/* The byte at offset i of every result. */
static unsigned char pattern(size_t i)
{
	return (unsigned char)((i * 2654435761u) >> 13);
}

struct ask {
	size_t size;
	int zero_copy;
};

static void fn_give(void *arg)
{
	const struct ask *a = arg;
	unsigned char *p;
	size_t i;

	if (a->zero_copy) {
		p = pyn_return_buffer(a->size);
		if (!p && a->size)
			pyn_fail(1, "pyn_return_buffer(%zu) failed", a->size);
		for (i = 0; i < a->size; i++)
			p[i] = pattern(i);
		return;
	}
	p = malloc(a->size ? a->size : 1);
	if (!p)
		pyn_fail(1, "malloc(%zu) failed", a->size);
	for (i = 0; i < a->size; i++)
		p[i] = pattern(i);
	if (pyn_return(p, a->size) != 0)
		pyn_fail(2, "pyn_return(%zu) failed", a->size);
	free(p);
}

static void fn_nothing(void *arg)
{
	(void)arg;
}

static int same(const struct pyn_result *res, size_t size)
{
	const unsigned char *p = res->data;
	size_t i, step = size > (1 << 20) ? 4093 : 1;

	if (res->size != size || (size && !p))
		return 0;
	for (i = 0; i < size; i += step)
		if (p[i] != pattern(i))
			return 0;
	return !size || p[size - 1] == pattern(size - 1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_sizes(void)
{
	static const size_t sizes[] = { 0,    1,       4095,
					4097, 1 << 20, (size_t)64 << 20 };
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	struct ask a;
	size_t i;
	int z;

	lim.wall_time_s = 30;
	for (z = 0; z < 2; z++) {
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			a.size = sizes[i];
			a.zero_copy = z;
			CU_ASSERT_EQUAL_FATAL(
				pyn_call(fn_give, &a, &lim, &res, NULL), 0);
			CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
			if (!same(&res, a.size))
				fprintf(stderr,
					"\nsize %zu zero_copy %d: got %zu\n",
					a.size, z, res.size);
			CU_ASSERT(same(&res, a.size));
			CU_ASSERT(res.returned);
			pyn_result_release(&res);
			CU_ASSERT_PTR_NULL(res.data);
			CU_ASSERT_EQUAL(res.size, 0);
		}
	}
	/* Nothing returned: no data, and no error. */
	CU_ASSERT_EQUAL_FATAL(pyn_call(fn_nothing, NULL, &lim, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_PTR_NULL(res.data);
	CU_ASSERT_EQUAL(res.size, 0);
	CU_ASSERT(!res.returned);
	pyn_result_release(&res);
}

/* The result is the caller's to write to (a private mapping). */
static void test_writable(void)
{
	struct pyn_result res = PYN_RESULT_INIT;
	struct ask a = { 8192, 1 };

	CU_ASSERT_EQUAL_FATAL(pyn_call(fn_give, &a, NULL, &res, NULL), 0);
	CU_ASSERT_FATAL(same(&res, a.size));
	((unsigned char *)res.data)[0] ^= 0xff;
	CU_ASSERT_NOT_EQUAL(((unsigned char *)res.data)[0], pattern(0));
	pyn_result_release(&res);
}

/* A result counts against the memory limit: it is the child's memory. */
static void test_result_over_limit(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	struct ask a = { (size_t)128 << 20, 1 };

	lim.wall_time_s = 30;
	lim.memory_bytes = PYN_MiB(64);
	CU_ASSERT_EQUAL_FATAL(pyn_call(fn_give, &a, &lim, &res, NULL), 0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_MEMORY_LIMIT);
	pyn_result_release(&res);
}

static void test_one_gib(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	struct ask a = { (size_t)1 << 30, 1 };
	double t0, t1;

	lim.wall_time_s = 60;
	t0 = now();
	CU_ASSERT_EQUAL_FATAL(pyn_call(fn_give, &a, &lim, &res, NULL), 0);
	t1 = now();
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT(same(&res, a.size));
	printf("(1 GiB zero-copy: %.2f s including writing it) ", t1 - t0);
	pyn_result_release(&res);
	CU_ASSERT_PTR_NULL(res.data);
}

static CU_TestInfo tests[] = {
	{ "0 B to 64 MiB, pyn_return and zero-copy", test_sizes },
	{ "the result is writable by the caller", test_writable },
	{ "a result over the memory limit is memory_limit",
	  test_result_over_limit },
	{ "1 GiB comes back", test_one_gib },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "api-results", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
