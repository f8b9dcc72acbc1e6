/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-api-plan.c - `limiters: {NAME: {}}` in a manifest
 * configures the limiter with no option: the plan keeps a key-less entry
 * (struct pyn_option with a NULL key) and the engine's setup() of that
 * limiter sees configured = 1 and no option.
 */
#include <stdio.h>
#include <string.h>

#include <pyntest/pyntest.h>

#include "config/manifest.h"
#include "config/plan.h"
#include "unit.h"

static int build(struct pyn_plan *plan, const char *limiters_suite,
		 const char *limiters_test)
{
	char yaml[2048];
	struct pyn_manifest *m = NULL;
	struct pyn_error err = { 0 };
	int rc;

	snprintf(yaml, sizeof(yaml),
		 "suites:\n"
		 "  - name: s\n"
		 "    library: %s\n"
		 "    limiters: %s\n"
		 "    tests:\n"
		 "      - name: api_hello\n"
		 "        limiters: %s\n",
		 API_FIXTURE, limiters_suite, limiters_test);
	rc = pyn_manifest_load_buffer(&m, yaml, strlen(yaml), "/tmp/m.yaml",
				      "/tmp", &err);
	if (rc) {
		fprintf(stderr, "\n%u:%u: %s\n", err.line, err.column,
			err.message);
		return rc;
	}
	rc = pyn_plan_build(plan, &m, 1, NULL, &err);
	if (rc)
		fprintf(stderr, "\n%u:%u: %s\n", err.line, err.column,
			err.message);
	pyn_manifest_free(m);
	return rc;
}

/* "configured=C options=N" of the probe's property, or -1. */
static int probe(const struct pyn_result *res, int *configured,
		 size_t *n_options)
{
	unsigned token;
	size_t i;

	for (i = 0; i < res->n_properties; i++)
		if (!strncmp(res->properties[i], "pyntest.probe_a=", 16))
			return sscanf(res->properties[i] + 16,
				      "configured=%d options=%zu token=%u",
				      configured, n_options, &token) == 3 ?
				       0 :
				       -1;
	return -1;
}

static void run(const struct pyn_plan *plan, int *configured, size_t *n)
{
	struct pyn_result res = PYN_RESULT_INIT;
	struct pyn_error err = { 0 };
	struct pyn_task task;

	CU_ASSERT_EQUAL_FATAL(plan->n_tests, 1);
	pyn_plan_task(&plan->tests[0], &task);
	CU_ASSERT_EQUAL_FATAL(pyn_run(&task, plan->tests[0].limits, &res, &err),
			      0);
	CU_ASSERT_EQUAL(res.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL(probe(&res, configured, n), 0);
	pyn_result_release(&res);
}

static void test_empty_map(void)
{
	struct pyn_plan plan;
	struct pyn_error err;
	const struct pyn_limits *l;
	size_t n = 99;
	int configured = -1;

	CU_ASSERT_EQUAL_FATAL(pyn_plugin_load(PROBE_A, &err), 0);

	/* Not named: not configured. */
	CU_ASSERT_EQUAL_FATAL(build(&plan, "{}", "{}"), 0);
	CU_ASSERT_EQUAL(plan.tests[0].limits->n_options, 0);
	run(&plan, &configured, &n);
	CU_ASSERT_EQUAL(configured, 0);
	pyn_plan_release(&plan);

	/* `probe_a: {}`: one key-less entry, configured, no option. */
	CU_ASSERT_EQUAL_FATAL(build(&plan, "{ probe_a: {} }", "{}"), 0);
	l = plan.tests[0].limits;
	CU_ASSERT_EQUAL_FATAL(l->n_options, 1);
	CU_ASSERT_STRING_EQUAL(l->options[0].limiter, "probe_a");
	CU_ASSERT_PTR_NULL(l->options[0].option.key);
	run(&plan, &configured, &n);
	CU_ASSERT_EQUAL(configured, 1);
	CU_ASSERT_EQUAL(n, 0);
	pyn_plan_release(&plan);

	/* Options added below it: configured, with exactly those. */
	CU_ASSERT_EQUAL_FATAL(
		build(&plan, "{ probe_a: {} }", "{ probe_a: { note: x } }"), 0);
	run(&plan, &configured, &n);
	CU_ASSERT_EQUAL(configured, 1);
	CU_ASSERT_EQUAL(n, 1);
	pyn_plan_release(&plan);

	/* `null` below drops it again. */
	CU_ASSERT_EQUAL_FATAL(
		build(&plan, "{ probe_a: {} }", "{ probe_a: null }"), 0);
	CU_ASSERT_EQUAL(plan.tests[0].limits->n_options, 0);
	run(&plan, &configured, &n);
	CU_ASSERT_EQUAL(configured, 0);
	pyn_plan_release(&plan);
}

static CU_TestInfo tests[] = {
	{ "limiters: {NAME: {}} configures NAME", test_empty_map },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "api-plan", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
