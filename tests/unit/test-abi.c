/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-abi.c - the C API as an ABI that can grow: libpyntest.so
 * exports pyn_* and nothing else (no allocator), the public structs are
 * read and written only as far as the caller's struct_size goes (an
 * older caller's smaller struct, a newer caller's larger one), and the
 * INIT macros set the sizes and the defaults.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

#include "config/elf.h"
#include "unit.h"

static void fn_talk(void *arg)
{
	(void)arg;
	printf("hello from the child\n");
	fflush(stdout);
	pyn_return("abc", 4);
}

static void fn_sleep(void *arg)
{
	(void)arg;
	sleep(10);
}

/* ---- exports ---------------------------------------------------------- */

static void test_exports(void)
{
	static const char *const api[] = {
		"pyn_call",	      "pyn_run",
		"pyn_result_release", "pyn_strerror",
		"pyn_error_set",      "pyn_error_format",
		"pyn_outcome_name",   "pyn_outcome_parse",
		"pyn_seconds",	      "pyn_bytes",
		"pyn_isolation_name", "pyn_limits_check",
		"pyn_engine_new",     "pyn_engine_next",
		"pyn_skip",	      "pyn_return",
		"pyn_fail",	      "pyn_limited_new",
	};
	struct pyn_elf_symbols syms;
	struct pyn_error err;
	size_t i, bad = 0;

	CU_ASSERT_EQUAL_FATAL(pyn__elf_read(&syms, PYN_LIBPYNTEST, &err), 0);
	for (i = 0; i < syms.n_symbols; i++) {
		if (strncmp(syms.symbols[i].name, "pyn_", 4) == 0)
			continue;
		fprintf(stderr, "\n  libpyntest.so exports '%s'",
			syms.symbols[i].name);
		bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* The table was read: the C API is all there. */
	for (i = 0; i < sizeof(api) / sizeof(api[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(pyn__elf_find(&syms, api[i]));
	CU_ASSERT_PTR_NULL(pyn__elf_find(&syms, "malloc"));
	CU_ASSERT_PTR_NULL(pyn__elf_find(&syms, "calloc"));
	CU_ASSERT_PTR_NULL(pyn__elf_find(&syms, "realloc"));
	pyn__elf_release(&syms);
}

/* This program links the C API: its malloc is not pyntest's. */
static void test_no_allocator_hook(void)
{
	void *lib = dlopen(PYN_LIBPYNTEST, RTLD_NOW | RTLD_NOLOAD);
	void *m = dlsym(RTLD_DEFAULT, "malloc");
	Dl_info where;

	CU_ASSERT_PTR_NOT_NULL_FATAL(lib);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_FATAL(dladdr(m, &where) != 0);
	CU_ASSERT_PTR_NULL(strstr(where.dli_fname, "libpyntest"));
	dlclose(lib);
}

/* ---- the INIT macros -------------------------------------------------- */

static void test_init_macros(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_result res = PYN_RESULT_INIT;
	struct pyn_engine_options opt = PYN_ENGINE_OPTIONS_INIT;

	CU_ASSERT_EQUAL(lim.struct_size, sizeof(lim));
	CU_ASSERT_EQUAL(res.struct_size, sizeof(res));
	CU_ASSERT_EQUAL(opt.struct_size, sizeof(opt));
	CU_ASSERT_TRUE(lim.terminate_child_processes);
	CU_ASSERT_TRUE(lim.capture_output);
	CU_ASSERT_EQUAL(lim.output_limit, (size_t)1 << 20);
	CU_ASSERT_EQUAL(lim.output_limit, PYN_OUTPUT_LIMIT_DEFAULT);
	CU_ASSERT_EQUAL(lim.isolation, PYN_ISOLATION_DEFAULT);
	CU_ASSERT_EQUAL(lim.wall_time_s, 0);
	CU_ASSERT_PTR_NULL(lim.options);
	CU_ASSERT_TRUE(PYN_HAS(&res, returned));
	CU_ASSERT_TRUE(PYN_HAS(&lim, n_options));
}

/* ---- sizes: unset, older, newer ---------------------------------------- */

static void test_unset_size(void)
{
	struct pyn_limits lim;
	struct pyn_result res = PYN_RESULT_INIT, none;
	struct pyn_engine_options opt;
	struct pyn_error err;

	memset(&lim, 0, sizeof(lim));
	lim.wall_time_s = 1;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "struct pyn_limits: struct_size 0 is not set "
			       "(start from PYN_LIMITS_INIT)");
	CU_ASSERT_EQUAL(pyn_call(fn_talk, NULL, &lim, &res, &err), PYN_EINVAL);
	memset(&none, 0, sizeof(none));
	CU_ASSERT_EQUAL(pyn_call(fn_talk, NULL, NULL, &none, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "struct pyn_result: struct_size 0 is not set "
			       "(start from PYN_RESULT_INIT)");
	memset(&opt, 0, sizeof(opt));
	CU_ASSERT_PTR_NULL(pyn_engine_new(&opt, &err));
	CU_ASSERT_EQUAL(err.code, PYN_EINVAL);
	/* Releasing one is harmless. */
	pyn_result_release(&none);
}

/*
 * The first fields of struct pyn_limits, as a program built when that
 * was all of it would have them.
 */
struct old_limits {
	uint32_t struct_size;
	double wall_time_s;
};

static void test_old_limits(void)
{
	struct pyn_result res = PYN_RESULT_INIT;
	struct pyn_error err;
	struct old_limits *old;
	unsigned char *buf;

	/*
	 * The old struct, then bytes that are nonsense as the rest of a
	 * pyn_limits (an isolation of 0xffffffff, options at 0xff...): a
	 * library that read past struct_size would refuse or crash.
	 */
	buf = malloc(sizeof(struct pyn_limits) + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memset(buf, 0xff, sizeof(struct pyn_limits) + 64);
	old = (struct old_limits *)buf;
	old->struct_size = sizeof(*old);
	old->wall_time_s = 0.3;
	CU_ASSERT_EQUAL(pyn_limits_check((struct pyn_limits *)old, &err), 0);
	/* Its wall time is read; the rest are the defaults. */
	CU_ASSERT_EQUAL_FATAL(
		pyn_call(fn_sleep, NULL, (struct pyn_limits *)old, &res, &err),
		0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	pyn_result_release(&res);
	old->wall_time_s = 10;
	CU_ASSERT_EQUAL_FATAL(
		pyn_call(fn_talk, NULL, (struct pyn_limits *)old, &res, &err),
		0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	/* capture_output is on by default. */
	CU_ASSERT_PTR_NOT_NULL(res.out);
	CU_ASSERT_PTR_NOT_NULL(
		res.out ? strstr(res.out, "hello from the child") : NULL);
	pyn_result_release(&res);
	free(buf);
}

/* A result buffer with a guard after the caller's part. */
#define GUARD 0xab

static int untouched(const unsigned char *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p[i] != GUARD)
			return 0;
	return 1;
}

static void test_old_result(void)
{
	static const size_t sizes[] = {
		offsetof(struct pyn_result, failures), /* no output, no data */
		offsetof(struct pyn_result, size), /* data, not its size */
		offsetof(struct pyn_result, out_total), /* output, no data */
	};
	size_t total = sizeof(struct pyn_result) + 64, k;
	struct pyn_error err;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		unsigned char *buf = malloc(total);
		struct pyn_result *res = (struct pyn_result *)buf;
		uint32_t size = (uint32_t)sizes[k];

		CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
		memset(buf, GUARD, total);
		memset(buf, 0, size);
		res->struct_size = size;
		CU_ASSERT_FALSE(PYN_HAS(res, returned));
		CU_ASSERT_EQUAL_FATAL(pyn_call(fn_talk, NULL, NULL, res, &err),
				      0);
		/* Filled as far as it goes, not a byte further. */
		CU_ASSERT_EQUAL(res->struct_size, size);
		CU_ASSERT_EQUAL(res->outcome, PYN_OUTCOME_PASS);
		CU_ASSERT(untouched(buf, size, total));
		/* Data whose size it cannot see is not handed over. */
		if (PYN_HAS(res, data) && !PYN_HAS(res, size))
			CU_ASSERT_PTR_NULL(res->data);
		if (PYN_HAS(res, size)) {
			CU_ASSERT_EQUAL(res->size, 4);
			CU_ASSERT_PTR_NOT_NULL_FATAL(res->data);
			CU_ASSERT_STRING_EQUAL(res->data, "abc");
		}
		if (PYN_HAS(res, out_len)) {
			CU_ASSERT_PTR_NOT_NULL(res->out);
			CU_ASSERT(res->out_len > 0);
		}
		pyn_result_release(res);
		CU_ASSERT_EQUAL(res->struct_size, size);
		CU_ASSERT(untouched(buf, size, total));
		free(buf);
	}
}

static void test_newer_caller(void)
{
	struct newer_limits {
		struct pyn_limits l;
		uint64_t added_later;
	} big;
	struct newer_result {
		struct pyn_result r;
		unsigned char added_later[32];
	} bres;
	struct pyn_error err;

	memset(&big, 0, sizeof(big));
	big.l = (struct pyn_limits)PYN_LIMITS_INIT;
	big.l.struct_size = sizeof(big);
	big.l.wall_time_s = 5;
	/* A field this library does not know, left at 0: fine. */
	CU_ASSERT_EQUAL(pyn_limits_check(&big.l, &err), 0);
	/* Set: refused, never ignored. */
	big.added_later = 1;
	CU_ASSERT_EQUAL(pyn_limits_check(&big.l, &err), PYN_EUNSUPPORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "does not have is set"));
	big.added_later = 0;
	memset(&bres, 0, sizeof(bres));
	bres.r.struct_size = sizeof(bres);
	memset(bres.added_later, GUARD, sizeof(bres.added_later));
	CU_ASSERT_EQUAL_FATAL(pyn_call(fn_talk, NULL, &big.l, &bres.r, &err),
			      0);
	CU_ASSERT_EQUAL(bres.r.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL(bres.r.size, 4);
	/* It says how much it filled, and left the rest alone. */
	CU_ASSERT_EQUAL(bres.r.struct_size, sizeof(struct pyn_result));
	CU_ASSERT(untouched(bres.added_later, 0, sizeof(bres.added_later)));
	pyn_result_release(&bres.r);
}

static void test_old_engine_options(void)
{
	struct pyn_engine_options *opt;
	struct pyn_task task = { 0 };
	struct pyn_result res = PYN_RESULT_INIT;
	struct pyn_engine *e;
	struct pyn_error err;
	size_t total = sizeof(*opt) + 32;
	unsigned char *buf = malloc(total);

	/* Only worker_path: warn and warn_user (nonsense here) unread. */
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	memset(buf, 0xff, total);
	opt = (struct pyn_engine_options *)buf;
	opt->struct_size = offsetof(struct pyn_engine_options, warn);
	opt->worker_path = NULL;
	e = pyn_engine_new(opt, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	task.kind = PYN_TASK_FUNCTION;
	task.name = "talk";
	task.fn = fn_talk;
	CU_ASSERT_EQUAL(pyn_engine_submit(e, &task, NULL, NULL, &err), 0);
	CU_ASSERT_EQUAL(pyn_engine_next(e, -1, &res, NULL, &err), 1);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	pyn_result_release(&res);
	pyn_engine_free(e);
	free(buf);
}

static CU_TestInfo tests[] = {
	{ "libpyntest.so exports pyn_* only", test_exports },
	{ "no allocator hook in a program linking the C API",
	  test_no_allocator_hook },
	{ "INIT macros: sizes and defaults", test_init_macros },
	{ "a struct_size of 0 is refused", test_unset_size },
	{ "an older caller's smaller pyn_limits", test_old_limits },
	{ "an older caller's smaller pyn_result", test_old_result },
	{ "a newer caller's larger structs", test_newer_caller },
	{ "an older caller's smaller pyn_engine_options",
	  test_old_engine_options },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "abi", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
