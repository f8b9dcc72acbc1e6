/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-api-check.c - what the public C API accepts, before
 * any call: the units of pyn_seconds and pyn_bytes, pyn_limits_check
 * and pyn_limited_new refusing bad limits and options, and
 * pyn_supports answering with a provider or a reason.
 *
 * MAX_FILES: the max_files example plug-in.
 */
#include <math.h>
#include <string.h>

#include "api_test.h"

/* ---- units ------------------------------------------------------------ */

static void test_seconds(void)
{
	struct pyn_error err;
	double s = 0;

	CU_ASSERT_EQUAL(pyn_seconds("500ms", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 0.5, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds(" 2 ", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 2, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds("1.5m", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 90, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds("1h", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 3600, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds("30 s", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 30, 1e-12);
	CU_ASSERT_EQUAL(pyn_seconds("2H", &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s, 7200, 1e-12);
	/* The manifest's grammar exactly (tests/unit/test-units.c has it
	 * all): no us, no min.  pynisher: KeyError for a bad unit. */
	CU_ASSERT_EQUAL(pyn_seconds("250us", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("1min", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("5d", &s, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "bad time unit 'd' in '5d'; use ms, s, m or h");
	CU_ASSERT_EQUAL(pyn_seconds("0", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("-1s", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("inf", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("nan", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds("", &s, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_seconds(NULL, &s, &err), PYN_EINVAL);
	CU_ASSERT_DOUBLE_EQUAL(PYN_MS(500), 0.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(PYN_MINUTES(2), 120, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(PYN_HOURS(1), 3600, 1e-12);
}

static void test_bytes(void)
{
	struct pyn_error err;
	uint64_t b = 0;

	CU_ASSERT_EQUAL(pyn_bytes("64MB", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, PYN_MiB(64));
	CU_ASSERT_EQUAL(pyn_bytes("1.5 GiB", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, PYN_MiB(1536));
	CU_ASSERT_EQUAL(pyn_bytes("4096", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, 4096);
	CU_ASSERT_EQUAL(pyn_bytes("4mb", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, PYN_MiB(4));
	CU_ASSERT_EQUAL(pyn_bytes("2 KB", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, 2048);
	CU_ASSERT_EQUAL(pyn_bytes("1.5kb", &b, NULL), 0);
	CU_ASSERT_EQUAL(b, 1536);
	/* The manifest's grammar exactly: no K, no TB. */
	CU_ASSERT_EQUAL(pyn_bytes("1k", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_bytes("1TB", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_bytes("1XB", &b, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "bad memory unit 'XB' in '1XB'; "
					    "use B, KB, MB or GB");
	CU_ASSERT_EQUAL(pyn_bytes("0", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_bytes("mb", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_bytes("9999999999GB", &b, &err), PYN_EINVAL);
	CU_ASSERT_EQUAL(PYN_GiB(1), (uint64_t)1 << 30);
	CU_ASSERT_EQUAL(PYN_KiB(3), 3072);
}

/* ---- checks ----------------------------------------------------------- */

static void test_check(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_option bad_limiter = PYN_OPTION("nope", "x", "1");
	struct pyn_option bad_key = PYN_OPTION("max_files", "cuont", "1");
	struct pyn_option bad_value = PYN_OPTION("max_files", "count", "x");
	struct pyn_error err;

	CU_ASSERT_EQUAL(pyn_limits_check(NULL, &err), 0);
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), 0);
	lim.wall_time_s = -1;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message, "wall time limit -1 s is negative");
	lim.wall_time_s = NAN;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	lim.wall_time_s = 1;
	lim.options = &bad_limiter;
	lim.n_options = 1;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "unknown limiter 'nope'"));
	/* pyn_limited_new refuses what pyn_limits_check refuses. */
	CU_ASSERT_PTR_NULL(pyn_limited_new(fn_nothing, &lim, &err));
	CU_ASSERT_EQUAL(err.code, PYN_EINVAL);
	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(MAX_FILES, &err), 0);
	lim.options = &bad_key;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "limiter 'max_files' has no option 'cuont'; "
			       "did you mean 'count'?");
	lim.options = &bad_value;
	CU_ASSERT_EQUAL(pyn_limits_check(&lim, &err), PYN_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "limiter 'max_files': "));
	CU_ASSERT_PTR_NULL(pyn_limited_new(NULL, NULL, &err));
	CU_ASSERT_PTR_NULL(pyn_limited_new_symbol(NULL, "x", NULL, &err));
}

/* supports(): each built-in limit answers, with a provider. */
static void test_supports(void)
{
	static const char *const names[] = { "wall_time", "cpu_time", "memory",
					     "process_tree" };
	char provider[32], why[256];
	size_t i;

	for (i = 0; i < 4; i++) {
		int ok = pyn_supports(names[i], provider, sizeof(provider), why,
				      sizeof(why));

		CU_ASSERT(ok == 1 || why[0]);
		if (ok)
			CU_ASSERT(provider[0] != '\0');
	}
	CU_ASSERT_EQUAL(pyn_supports("teleport", NULL, 0, why, sizeof(why)), 0);
	CU_ASSERT_STRING_EQUAL(why, "no limiter named 'teleport'");
}

static CU_TestInfo tests[] = {
	{ "pyn_seconds parses the manifest's grammar", test_seconds },
	{ "pyn_bytes parses the manifest's grammar", test_bytes },
	{ "pyn_limits_check refuses bad limits and options", test_check },
	{ "supports() answers with a reason", test_supports },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "api-check", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
