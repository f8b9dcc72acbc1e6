/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-plan-select.c - manifests -> plan (config/plan*.c):
 * which tests run: duplicate ids and suites, filters, shards.
 */
#include "plan_test.h"

static void test_duplicates(void)
{
	struct pyn_manifest *m[2];
	struct pyn_plan plan;
	struct pyn_error err;

	copy_fixture("libfix.so");
	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n    tests: [test_alpha]\n"
		"  - name: s.test\n    library: libfix\n    tests: [alpha]\n",
		NULL,
		"7:13: test function 'alpha' not found in test library 'libfix'");
	/* "s" + "x.y" and "s.x" + "y" make the same id. */
	EXPECT_PLAN_ERROR(
		"suites:\n  - name: s\n    library: libfix\n"
		"    tests: [{ name: x.y, function: test_alpha }]\n"
		"  - name: s.x\n    library: libfix\n"
		"    tests: [{ name: y, function: test_beta }]\n",
		NULL,
		"7:21: duplicate test id 's.x.y' (first at line 4, column 21)");

	m[0] = manifest(
		"a.yaml",
		"suites: [{ name: s, library: libfix, tests: [test_alpha] }]\n");
	m[1] = manifest(
		"b.yaml",
		"suites: [{ name: s, library: libfix, tests: [test_beta] }]\n");
	CU_ASSERT_EQUAL(pyn_plan_build(&plan, m, 2, NULL, &err), PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"duplicate suite name 's' (also in an earlier manifest)");
	CU_ASSERT_PTR_NOT_NULL(strstr(err.file, "b.yaml"));
	pyn_manifest_free(m[1]);
	m[1] = manifest(
		"b.yaml",
		"suites: [{ name: t, library: libfix, tests: [test_beta] }]\n");
	CU_ASSERT_EQUAL(pyn_plan_build(&plan, m, 2, NULL, &err), 0);
	CU_ASSERT_EQUAL(plan.n_tests, 2);
	CU_ASSERT_EQUAL(plan.n_suites, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(plan.tests[1].manifest, "b.yaml"));
	pyn_plan_release(&plan);
	pyn_manifest_free(m[0]);
	pyn_manifest_free(m[1]);
}

static const char many[] = "suites:\n"
			   "  - name: s\n"
			   "    library: libfix\n"
			   "    discover: 'test_*'\n"
			   "  - name: t\n"
			   "    library: libfix\n"
			   "    discover: '*'\n";

static void test_filters(void)
{
	const char *f1[] = { "s.*" };
	const char *f2[] = { "s.*", "!*alpha" };
	const char *f3[] = { "t.helper", "s.test_gamma" };
	const char *f4[] = { "!t.*" };
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan plan;

	copy_fixture("libfix.so");
	build_ok(&plan, many, NULL);
	CU_ASSERT_EQUAL(plan.n_tests, 3 + 7);
	pyn_plan_release(&plan);

	opt.filters = f1;
	opt.n_filters = 1;
	build_ok(&plan, many, &opt);
	CU_ASSERT_EQUAL(plan.n_tests, 3);
	CU_ASSERT_EQUAL(plan.n_suites, 1);
	pyn_plan_release(&plan);

	opt.filters = f2;
	opt.n_filters = 2;
	build_ok(&plan, many, &opt);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	CU_ASSERT_STRING_EQUAL(plan.tests[0].id, "s.test_beta");
	CU_ASSERT_STRING_EQUAL(plan.tests[1].id, "s.test_gamma");
	CU_ASSERT_EQUAL(plan.tests[1].order, 1);
	pyn_plan_release(&plan);

	/* Several positive filters: any of them; order stays manifest order. */
	opt.filters = f3;
	build_ok(&plan, many, &opt);
	CU_ASSERT_EQUAL_FATAL(plan.n_tests, 2);
	CU_ASSERT_STRING_EQUAL(plan.tests[0].id, "s.test_gamma");
	CU_ASSERT_STRING_EQUAL(plan.tests[1].id, "t.helper");
	CU_ASSERT_EQUAL(plan.n_suites, 2);
	pyn_plan_release(&plan);

	/* Only exclusions: everything else. */
	opt.filters = f4;
	opt.n_filters = 1;
	build_ok(&plan, many, &opt);
	CU_ASSERT_EQUAL(plan.n_tests, 3);
	pyn_plan_release(&plan);
}

static void test_shards(void)
{
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan full, part, bigger;
	struct pyn_error err;
	unsigned seen[16] = { 0 };
	size_t i, j, total = 0;
	const char *bigger_yaml =
		"suites:\n"
		"  - name: s\n    library: libfix\n    discover: 'test_*'\n"
		"  - name: u\n    library: libfix\n    discover: '*'\n"
		"  - name: t\n    library: libfix\n    discover: '*'\n";

	copy_fixture("libfix.so");
	build_ok(&full, many, NULL);
	CU_ASSERT_FATAL(full.n_tests <= 16);
	build_ok(&bigger, bigger_yaml, NULL);
	opt.shard_count = 3;
	for (opt.shard_index = 0; opt.shard_index < 3; opt.shard_index++) {
		build_ok(&part, many, &opt);
		total += part.n_tests;
		for (i = 0; i < part.n_tests; i++) {
			for (j = 0; j < full.n_tests; j++)
				if (!strcmp(full.tests[j].id, part.tests[i].id))
					seen[j]++;
			/* FNV-1a of the id, so the same in every run. */
			CU_ASSERT_EQUAL(pyn__fnv1a64(part.tests[i].id) % 3,
					opt.shard_index);
		}
		pyn_plan_release(&part);
		/* Stable: tests added elsewhere move nobody else. */
		build_ok(&part, bigger_yaml, &opt);
		for (j = 0; j < full.n_tests; j++) {
			bool in_shard = pyn__fnv1a64(full.tests[j].id) % 3 ==
					opt.shard_index;

			for (i = 0; i < part.n_tests; i++)
				if (!strcmp(full.tests[j].id, part.tests[i].id))
					break;
			CU_ASSERT_EQUAL(i < part.n_tests, in_shard);
		}
		pyn_plan_release(&part);
	}
	/* A partition: every test in exactly one shard. */
	CU_ASSERT_EQUAL(total, full.n_tests);
	for (j = 0; j < full.n_tests; j++)
		CU_ASSERT_EQUAL(seen[j], 1);
	pyn_plan_release(&full);
	pyn_plan_release(&bigger);
	CU_ASSERT_EQUAL(pyn__fnv1a64(""), 0xcbf29ce484222325ull);
	CU_ASSERT_EQUAL(pyn__fnv1a64("a"), 0xaf63dc4c8601ec8cull);

	opt.shard_index = 3;
	CU_ASSERT_EQUAL(build(&part, many, &opt, &err), PYN_EUSAGE);
	CU_ASSERT_STRING_EQUAL(
		err.message,
		"bad shard 3/3: the index must be below the count");
}

static CU_TestInfo tests[] = {
	{ "duplicate ids and suites", test_duplicates },
	{ "filters", test_filters },
	{ "shards: stable, a partition", test_shards },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "plan.select", NULL, NULL, setup_dir, remove_dir, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
