/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-enforces.c - the engine learns who enforces the wall
 * time from the limiters' ABI (`enforces`, limiter.h), never by name.
 *
 * The built-in wall_time is made unsupported (PYNTEST_PROVIDERS forces a
 * provider it does not have), then, in this order, in one process (the
 * registry is process-global and plug-ins stay loaded):
 *  1. no limiter enforces the wall time: the engine does, itself;
 *  2. a plug-in of 0.1.0's struct, which calls itself a wall-time limiter
 *     (`provides`) but cannot say it enforces anything, loads and
 *     changes nothing;
 *  3. fx_wall, which enforces it under its own name with a grace, takes
 *     it over: the test is killed at its deadline, not the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pyntest/pyntest.h>

#include "unit.h"

static struct pyn_result res = PYN_RESULT_INIT;
static struct pyn_error err;

static double scale(void)
{
	const char *m = getenv("PYN_TEST_TIMEOUT_MULTIPLIER");

	return m && atof(m) > 0 ? atof(m) : 1;
}

/* Outlives every limit below by far: ending by itself is a failure. */
static void sleeper(void *arg)
{
	struct timespec ts = { 20, 0 };

	(void)arg;
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The sleeper under a 0.2 s wall-time limit, into res. */
static int run_sleeper(void)
{
	struct pyn_limits lim = PYN_LIMITS_INIT;
	int rc;

	lim.wall_time_s = 0.2;
	lim.isolation = PYN_ISOLATION_FORK;
	pyn_result_release(&res);
	rc = pyn_call(sleeper, NULL, &lim, &res, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "\n  pyn_call: %s\n", err.message);
	return rc;
}

static const char engine_says[] = "exceeded wall time limit 0.200 s";

static void test_engine_enforces(void)
{
	char provider[32], why[256];

	CU_ASSERT_EQUAL(pyn_supports("wall_time", provider, sizeof(provider),
				     why, sizeof(why)),
			1);
	CU_ASSERT_STRING_EQUAL(provider, "engine");
	if (run_sleeper())
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	CU_ASSERT(strncmp(res.message, engine_says, strlen(engine_says)) == 0);
	CU_ASSERT(res.wall_time_s >= 0.2);
	CU_ASSERT(res.wall_time_s < 0.2 + 2 * scale());
	printf("\n    %s", res.message);
}

static void test_old_plugin_enforces_nothing(void)
{
	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(FIXTURE_BEFORE_ENFORCES, &err),
			      0);
	CU_ASSERT_EQUAL(
		pyn_supports("fixture_before_enforces", NULL, 0, NULL, 0), 1);
	if (run_sleeper())
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	CU_ASSERT(strncmp(res.message, engine_says, strlen(engine_says)) == 0);
	CU_ASSERT(res.wall_time_s < 0.2 + 2 * scale());
}

static void test_plugin_takes_it_over(void)
{
	char provider[32];

	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(FX_WALL, &err), 0);
	CU_ASSERT_EQUAL(
		pyn_supports("wall_time", provider, sizeof(provider), NULL, 0),
		1);
	CU_ASSERT_STRING_EQUAL(provider, "fixture");
	if (run_sleeper())
		return;
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_WALL_TIMEOUT);
	CU_ASSERT(strncmp(res.message, "fx_wall: ", 9) == 0);
	/* Its deadline, 0.3 s after the limit, not the engine's at it. */
	CU_ASSERT(res.wall_time_s >= 0.2 + 0.3);
	CU_ASSERT(res.wall_time_s < 0.5 + 2 * scale());
	printf("\n    %s", res.message);
}

/* Before the registry starts: the built-in wall_time is unsupported. */
static int make_wall_time_unsupported(void)
{
	return setenv("PYNTEST_PROVIDERS", "wall_time=none", 1);
}

static int release(void)
{
	pyn_result_release(&res);
	return 0;
}

static CU_TestInfo tests[] = {
	{ "no limiter enforces the wall time: the engine does",
	  test_engine_enforces },
	{ "0.1.0's struct enforces nothing, whatever it provides",
	  test_old_plugin_enforces_nothing },
	{ "a plug-in under another name enforces it instead",
	  test_plugin_takes_it_over },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "enforces", make_wall_time_unsupported, release, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
