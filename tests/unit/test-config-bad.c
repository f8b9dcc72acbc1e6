/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-config-bad.c - every tests/suites/bad/NAME.yaml is
 * refused with exactly the first line of NAME.expect.
 *
 * The manifests are loaded the way the CLI does (path as given, relative
 * to the working directory, which is the fixtures' folder), with
 * PYNTEST_LIBRARY_PATH pointing at the fixture library
 * (libpyn_config_fixture, from fixture_lib.c).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/manifest.h"
#include "config/plan.h"
#include "unit.h"

/* What `pyntest` prints: pyn_error_format's form. */
static void format_error(const struct pyn_error *err, char *buf, size_t len)
{
	if (err->file[0] && err->line)
		snprintf(buf, len, "%s:%u:%u: error: %s", err->file, err->line,
			 err->column, err->message);
	else
		snprintf(buf, len, "error: %s", err->message);
}

/*
 * The runner's check as far as these fixtures need it: the built-in
 * limiters exist (the real one asks the registry, plug-ins included).
 */
static int validate(void *user, const char *limiter,
		    const struct pyn_limiter_option *opt, struct pyn_error *err)
{
	static const char *const known[] = { "wall_time", "cpu_time", "memory",
					     "process_tree" };
	size_t i;

	(void)user;
	(void)opt;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(limiter, known[i]))
			return 0;
	err->code = PYN_EMANIFEST;
	snprintf(err->message, sizeof(err->message), "unknown limiter '%s'",
		 limiter);
	return -1;
}

static int check_one(const char *name)
{
	char expect_path[512], want[2048] = "", got[2048];
	struct pyn_manifest *m = NULL;
	struct pyn_error err = { 0 };
	struct pyn_plan_options opt = { 0 };
	struct pyn_plan plan;
	size_t len = strlen(name);
	FILE *f;
	int rc;

	snprintf(expect_path, sizeof(expect_path), "%.*s.expect",
		 (int)(len - 5), name);
	f = fopen(expect_path, "r");
	CU_ASSERT_PTR_NOT_NULL(f);
	if (!f) {
		fprintf(stderr, "\n  %s: missing %s\n", name, expect_path);
		return 1;
	}
	if (!fgets(want, sizeof(want), f))
		want[0] = '\0';
	fclose(f);
	want[strcspn(want, "\n")] = '\0';

	rc = pyn_manifest_load(&m, name, &err);
	if (rc == 0) {
		opt.retries = -1;
		opt.validate_option = validate;
		rc = pyn_plan_build(&plan, &m, 1, &opt, &err);
		if (rc == 0)
			pyn_plan_release(&plan);
		pyn_manifest_free(m);
	}
	CU_ASSERT(rc < 0);
	format_error(&err, got, sizeof(got));
	if (rc == 0)
		snprintf(got, sizeof(got), "(accepted)");
	if (strcmp(got, want)) {
		fprintf(stderr, "\n  %s\n    got:  %s\n    want: %s\n", name,
			got, want);
		CU_FAIL("message differs from the .expect file");
		return 1;
	}
	return 0;
}

static void test_bad_fixtures(void)
{
	struct dirent **names;
	int n, i, checked = 0;

	CU_ASSERT_FATAL(chdir(PYN_BAD_DIR) == 0);
	setenv("PYNTEST_LIBRARY_PATH", PYN_FIXTURE_LIB_DIR, 1);
	unsetenv("PYNTEST_PLUGIN_PATH");
	n = scandir(".", &names, NULL, alphasort);
	CU_ASSERT_FATAL(n > 0);
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);

		if (len > 5 && !strcmp(names[i]->d_name + len - 5, ".yaml")) {
			check_one(names[i]->d_name);
			checked++;
		}
		free(names[i]);
	}
	free(names);
	/* Guard against a glob or folder mistake silently checking nothing. */
	CU_ASSERT(checked >= 20);
}

/* The fixture library is found, so a good manifest next to them passes. */
static void test_fixture_library_loads(void)
{
	static const char yaml[] =
		"suites:\n  - name: s\n    library: libpyn_config_fixture\n"
		"    discover: 'test_*'\n";
	struct pyn_manifest *m = NULL;
	struct pyn_error err = { 0 };
	struct pyn_plan plan;

	CU_ASSERT_FATAL(chdir(PYN_BAD_DIR) == 0);
	setenv("PYNTEST_LIBRARY_PATH", PYN_FIXTURE_LIB_DIR, 1);
	CU_ASSERT_EQUAL_FATAL(pyn_manifest_load_buffer(&m, yaml,
						       sizeof(yaml) - 1,
						       "good.yaml", NULL, &err),
			      0);
	CU_ASSERT_EQUAL(pyn_plan_build(&plan, &m, 1, NULL, &err), 0);
	CU_ASSERT_EQUAL(plan.n_tests, 3);
	pyn_plan_release(&plan);
	pyn_manifest_free(m);
}

static CU_TestInfo tests[] = {
	{ "tests/suites/bad: each .yaml gives its .expect", test_bad_fixtures },
	{ "the fixture library is found", test_fixture_library_loads },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "config-bad", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
