/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-plan-settings.c - manifests -> plan (config/plan*.c):
 * limits and settings inherited (defaults -> suite -> test), command-line
 * defaults, overrides by id glob, limiter options validated and merged
 * (expectations are judged in runner/verdict.c: test-verdict.c).
 */
#include "plan_test.h"

static void test_basic(void)
{
	struct pyn_plan plan;
	const struct pyn_plan_test *t;
	struct pyn_task task;
	char lib[PATH_MAX + 64], real[PATH_MAX];

	copy_fixture("libfix.so");
	build_ok(&plan,
		 "defaults: { wall_time: 10s, memory: 64MB }\n"
		 "suites:\n"
		 "  - name: s\n"
		 "    library: libfix\n"
		 "    setup: fixture_setup\n"
		 "    teardown: fixture_teardown\n"
		 "    cpu_time: 2s\n"
		 "    env: { A: b }\n"
		 "    tests:\n"
		 "      - test_alpha\n"
		 "      - name: beta\n"
		 "        function: test_beta\n"
		 "        wall_time: 1s\n"
		 "        memory: null\n"
		 "        retries: 3\n"
		 "        expect: { signal: SIGABRT }\n",
		 NULL);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	CU_ASSERT_EQUAL(plan.n_suites, 1);
	CU_ASSERT_STRING_EQUAL(plan.suites[0], "s");
	snprintf(lib, sizeof(lib), "%s/libfix.so", dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(lib, real));

	t = &plan.tests[0];
	CU_ASSERT_STRING_EQUAL(t->id, "s.test_alpha");
	CU_ASSERT_STRING_EQUAL(t->suite, "s");
	CU_ASSERT_STRING_EQUAL(t->name, "test_alpha");
	CU_ASSERT_EQUAL(t->order, 0);
	CU_ASSERT_EQUAL(t->line, 10);
	CU_ASSERT_EQUAL(t->column, 9);
	/* The task the engine gets, made from the test and its suite's. */
	pyn_plan_task(t, &task);
	CU_ASSERT_EQUAL(task.kind, PYN_TASK_SYMBOL);
	CU_ASSERT_STRING_EQUAL(task.name, "s.test_alpha");
	CU_ASSERT_STRING_EQUAL(task.library, real);
	CU_ASSERT_STRING_EQUAL(task.symbol, "test_alpha");
	CU_ASSERT_STRING_EQUAL(task.setup, "fixture_setup");
	CU_ASSERT_STRING_EQUAL(task.teardown, "fixture_teardown");
	CU_ASSERT_EQUAL_FATAL(task.n_env, 1);
	CU_ASSERT_STRING_EQUAL(task.env[0], "A=b");
	CU_ASSERT_PTR_NULL(task.cwd);
	CU_ASSERT_PTR_NULL(task.cunit_suite); /* a library function's */
	CU_ASSERT_PTR_NULL(task.program);
	CU_ASSERT_DOUBLE_EQUAL(t->limits->wall_time_s, 10, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(t->limits->cpu_time_s, 2, 1e-12);
	CU_ASSERT_EQUAL(t->limits->memory_bytes, 64ull << 20);
	CU_ASSERT_TRUE(t->limits->terminate_child_processes);
	CU_ASSERT_TRUE(t->limits->capture_output);
	CU_ASSERT_EQUAL(t->limits->output_limit, 1u << 20);
	CU_ASSERT_EQUAL(t->limits->isolation, PYN_ISOLATION_FORKSERVER);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_OUTCOME);
	CU_ASSERT_EQUAL(t->expect.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL(t->retries, 0);
	CU_ASSERT_FALSE(t->skip);
	CU_ASSERT_STRING_EQUAL(t->manifest + strlen(t->manifest) - 6, "m.yaml");

	t = &plan.tests[1];
	CU_ASSERT_STRING_EQUAL(t->id, "s.beta");
	CU_ASSERT_STRING_EQUAL(t->symbol, "test_beta");
	CU_ASSERT_DOUBLE_EQUAL(t->limits->wall_time_s, 1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(t->limits->cpu_time_s, 2, 1e-12);
	CU_ASSERT_EQUAL(t->limits->memory_bytes, 0);
	CU_ASSERT_EQUAL(t->retries, 3);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_SIGNAL);
	CU_ASSERT_EQUAL(t->expect.value, 6);
	pyn_plan_release(&plan);
	pyn_plan_release(&plan); /* twice: it was zeroed */
}

static void test_command_line_defaults(void)
{
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan plan;
	const struct pyn_plan_test *t;

	copy_fixture("libfix.so");
	opt.wall_time_s = 7;
	opt.cpu_time_s = 3;
	opt.memory_bytes = 1000;
	opt.retries = 2;
	build_ok(&plan,
		 "defaults: { wall_time: 1s, isolation: spawn }\n"
		 "suites:\n"
		 "  - name: s\n"
		 "    library: libfix.so\n"
		 "    tests:\n"
		 "      - test_alpha\n"
		 "      - { name: test_beta, cpu_time: null, retries: 0 }\n",
		 &opt);
	t = find(&plan, "s.test_alpha");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	/* The manifest wins where it says something... */
	CU_ASSERT_DOUBLE_EQUAL(t->limits->wall_time_s, 1, 1e-12);
	CU_ASSERT_EQUAL(t->limits->isolation, PYN_ISOLATION_SPAWN);
	/* ...the command line fills the rest. */
	CU_ASSERT_DOUBLE_EQUAL(t->limits->cpu_time_s, 3, 1e-12);
	CU_ASSERT_EQUAL(t->limits->memory_bytes, 1000);
	CU_ASSERT_EQUAL(t->retries, 2);
	/* null and 0 are things the manifest says. */
	t = find(&plan, "s.test_beta");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_DOUBLE_EQUAL(t->limits->cpu_time_s, 0, 1e-12);
	CU_ASSERT_EQUAL(t->retries, 0);
	pyn_plan_release(&plan);

	/* --isolation overrides the manifest (SPEC §4). */
	opt.isolation = PYN_ISOLATION_FORK;
	build_ok(
		&plan,
		"defaults: { isolation: spawn }\n"
		"suites: [{ name: s, library: libfix, tests: [test_alpha] }]\n",
		&opt);
	CU_ASSERT_EQUAL(plan.tests[0].limits->isolation, PYN_ISOLATION_FORK);
	pyn_plan_release(&plan);
}

static void test_other_settings(void)
{
	struct pyn_plan plan;
	const struct pyn_plan_test *t;

	copy_fixture("libfix.so");
	build_ok(&plan,
		 "defaults:\n"
		 "  terminate_child_processes: false\n"
		 "  output_limit: 2MB\n"
		 "  isolation: fork\n"
		 "  expect: fail\n"
		 "suites:\n"
		 "  - name: s\n"
		 "    library: libfix\n"
		 "    tests:\n"
		 "      - test_alpha\n"
		 "      - name: test_beta\n"
		 "        output_limit: null\n"
		 "        isolation: null\n"
		 "        expect: null\n"
		 "        terminate_child_processes: yes\n",
		 NULL);
	t = find(&plan, "s.test_alpha");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_FALSE(t->limits->terminate_child_processes);
	CU_ASSERT_EQUAL(t->limits->output_limit, 2u << 20);
	CU_ASSERT_EQUAL(t->limits->isolation, PYN_ISOLATION_FORK);
	CU_ASSERT_EQUAL(t->expect.outcome, PYN_OUTCOME_FAIL);
	/* null goes back to the built-in default. */
	t = find(&plan, "s.test_beta");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_TRUE(t->limits->terminate_child_processes);
	CU_ASSERT_EQUAL(t->limits->output_limit, 1u << 20);
	CU_ASSERT_EQUAL(t->limits->isolation, PYN_ISOLATION_FORKSERVER);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_OUTCOME);
	CU_ASSERT_EQUAL(t->expect.outcome, PYN_OUTCOME_PASS);
	pyn_plan_release(&plan);
}

static void test_overrides(void)
{
	struct pyn_plan plan;
	const struct pyn_plan_test *t;

	copy_fixture("libfix.so");
	build_ok(&plan,
		 "defaults: { memory: 10MB }\n"
		 "suites:\n"
		 "  - name: s\n"
		 "    library: libfix\n"
		 "    discover: 'test_*'\n"
		 "    overrides:\n"
		 "      - match: 's.test_[ab]*'\n"
		 "        expect: timeout\n"
		 "        wall_time: 3s\n"
		 "      - match: '*beta'\n"
		 "        skip: flaky\n"
		 "        memory: null\n",
		 NULL);
	t = find(&plan, "s.test_alpha");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_TIMEOUT);
	CU_ASSERT_DOUBLE_EQUAL(t->limits->wall_time_s, 3, 1e-12);
	CU_ASSERT_EQUAL(t->limits->memory_bytes, 10u << 20);
	CU_ASSERT_FALSE(t->skip);
	t = find(&plan, "s.test_beta");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_TIMEOUT);
	CU_ASSERT_TRUE(t->skip);
	CU_ASSERT_STRING_EQUAL(t->skip_reason, "flaky");
	CU_ASSERT_EQUAL(t->limits->memory_bytes, 0);
	t = find(&plan, "s.test_gamma");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->expect.kind, PYN_EXPECT_OUTCOME);
	CU_ASSERT_DOUBLE_EQUAL(t->limits->wall_time_s, 0, 1e-12);
	pyn_plan_release(&plan);
}

/* The runner's check: knows max_files {count} and max_procs {n}. */
static int validate(void *user, const char *limiter,
		    const struct pyn_limiter_option *opt, struct pyn_error *err)
{
	(*(int *)user)++;
	if (strcmp(limiter, "max_files") && strcmp(limiter, "max_procs")) {
		snprintf(err->message, sizeof(err->message),
			 "unknown limiter '%s'", limiter);
		err->code = PYN_EMANIFEST;
		return -1;
	}
	/* A bad value is placed at the value, as the runner does... */
	if (opt && strcmp(opt->value, "bad") == 0) {
		snprintf(err->message, sizeof(err->message),
			 "'%s' must be a positive integer, not 'bad'",
			 opt->key);
		snprintf(err->file, sizeof(err->file), "%s",
			 opt->file ? opt->file : "");
		err->line = opt->line;
		err->column = opt->column;
		err->code = PYN_EMANIFEST;
		return -1;
	}
	/* ...an unknown key is not placed: the plan puts it at the key. */
	if (opt && strcmp(opt->key, "count") && strcmp(opt->key, "mode") &&
	    strcmp(opt->key, "n")) {
		snprintf(err->message, sizeof(err->message),
			 "limiter '%s' has no option '%s'", limiter, opt->key);
		err->code = PYN_EMANIFEST;
		return -1;
	}
	return 0;
}

static void test_limiters(void)
{
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan plan;
	const struct pyn_plan_test *t;
	int calls = 0;

	copy_fixture("libfix.so");
	opt.validate_option = validate;
	opt.user = &calls;
	build_ok(
		&plan,
		"defaults:\n"
		"  limiters: { max_files: { count: 16, mode: soft }, max_procs: { n: 4 } }\n"
		"suites:\n"
		"  - name: s\n"
		"    library: libfix\n"
		"    limiters: { max_files: { count: 8 } }\n"
		"    tests:\n"
		"      - test_alpha\n"
		"      - name: test_beta\n"
		"        limiters: { max_procs: null }\n",
		&opt);
	/* 2 names + 3 options, 1 + 1, 1. */
	CU_ASSERT_EQUAL(calls, 8);
	t = find(&plan, "s.test_alpha");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL_FATAL(t->limits->n_options, 3);
	CU_ASSERT_STRING_EQUAL(t->limits->options[0].limiter, "max_files");
	CU_ASSERT_STRING_EQUAL(t->limits->options[0].option.key, "count");
	CU_ASSERT_STRING_EQUAL(t->limits->options[0].option.value, "8");
	CU_ASSERT_EQUAL(t->limits->options[0].option.line, 6);
	CU_ASSERT_EQUAL(t->limits->options[0].option.column, 37);
	CU_ASSERT_STRING_EQUAL(t->limits->options[1].option.key, "mode");
	CU_ASSERT_STRING_EQUAL(t->limits->options[2].limiter, "max_procs");
	CU_ASSERT_STRING_EQUAL(t->limits->options[2].option.value, "4");
	t = find(&plan, "s.test_beta");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->limits->n_options, 2);
	pyn_plan_release(&plan);

	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n    tests: [test_alpha]\n"
		"    limiters:\n      max_file: { count: 1 }\n",
		&opt, "6:7: unknown limiter 'max_file'");
	EXPECT_PLAN_ERROR(
		"defaults:\n  limiters:\n    max_files: { count: bad }\nsuites: []\n",
		&opt, "3:25: 'count' must be a positive integer, not 'bad'");
	EXPECT_PLAN_ERROR(
		"defaults:\n  limiters:\n    max_files: {cnt: 16}\nsuites: []\n",
		&opt, "3:17: limiter 'max_files' has no option 'cnt'");
}

static CU_TestInfo tests[] = {
	{ "limits inherit defaults -> suite -> test", test_basic },
	{ "command-line defaults fill only gaps", test_command_line_defaults },
	{ "other settings, null back to built-ins", test_other_settings },
	{ "overrides by id glob", test_overrides },
	{ "limiter options: validated, merged", test_limiters },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "plan.settings", NULL, NULL, setup_dir, remove_dir, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
