/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-manifest-read.c - reading manifests (config/manifest.c):
 * every key and every value form, with their locations, from a buffer
 * and from a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "manifest_test.h"

static const char full[] = "version: 1\n"
			   "defaults:\n"
			   "  wall_time: 10s\n"
			   "  cpu_time: 5\n"
			   "  memory: 256MB\n"
			   "  isolation: spawn\n"
			   "  terminate_child_processes: false\n"
			   "  output_limit: 2MB\n"
			   "  retries: 2\n"
			   "  expect: pass\n"
			   "  limiters: { max_files: { count: 16 } }\n"
			   "plugins:\n"
			   "  - plugins/libpyn_maxfiles\n"
			   "suites:\n"
			   "  - name: arith\n"
			   "    library: build/libarith\n"
			   "    setup: arith_setup\n"
			   "    teardown: arith_teardown\n"
			   "    wall_time: [2, s]\n"
			   "    tests:\n"
			   "      - adds_small_numbers\n"
			   "      - name: rejects_huge_alloc\n"
			   "        function: test_huge_alloc\n"
			   "        memory: [64, MB]\n"
			   "        expect: memory_limit\n"
			   "      - name: spins\n"
			   "        wall_time: 500ms\n"
			   "        cpu_time: null\n"
			   "        expect: timeout\n"
			   "      - name: segv\n"
			   "        expect: { signal: SIGSEGV }\n"
			   "      - name: exits\n"
			   "        expect: { exit_code: 3 }\n"
			   "        skip: not on CI\n"
			   "        retries: 0\n"
			   "    discover: \"test_*\"\n"
			   "  - name: legacy\n"
			   "    library: build/liblegacy\n"
			   "    cunit: legacy_suites\n"
			   "    cunit_register: [reg_a, reg_b]\n"
			   "  - name: kastore\n"
			   "    program: build/kastore_tests\n"
			   "    args: [-v, '2']\n"
			   "    cwd: ..\n"
			   "    env: { DATA_PREFIX: test-data/ }\n"
			   "    isolation: fork\n"
			   "    overrides:\n"
			   "      - match: \"kastore.test_open_*\"\n"
			   "        expect: fail\n"
			   "        memory: null\n"
			   "        skip: true\n"
			   "  - name: sandboxed\n"
			   "    library: /abs/libnet.so\n"
			   "    cunit_register: only_one\n"
			   "    limiters:\n"
			   "      max_files: { count: 8, mode: strict }\n"
			   "      max_procs: null\n";

static void test_every_key(void)
{
	struct pyn_manifest *m = load(full);
	const struct pyn_manifest_suite *s;
	const struct pyn_manifest_test *t;

	CU_ASSERT_STRING_EQUAL(m->path, "m.yaml");
	CU_ASSERT_STRING_EQUAL(m->dir, ".");
	CU_ASSERT_EQUAL(m->defaults.wall_time.state, PYN_SETTING_SET);
	CU_ASSERT_DOUBLE_EQUAL(m->defaults.wall_time.seconds, 10, 1e-12);
	CU_ASSERT_EQUAL(m->defaults.wall_time.loc.line, 3);
	CU_ASSERT_EQUAL(m->defaults.wall_time.loc.column, 14);
	CU_ASSERT_DOUBLE_EQUAL(m->defaults.cpu_time.seconds, 5, 1e-12);
	CU_ASSERT_EQUAL(m->defaults.memory.bytes, 256ull << 20);
	CU_ASSERT_EQUAL(m->defaults.isolation.number, PYN_ISOLATION_SPAWN);
	CU_ASSERT_EQUAL(m->defaults.terminate_child_processes.state,
			PYN_SETTING_SET);
	CU_ASSERT_FALSE(m->defaults.terminate_child_processes.flag);
	CU_ASSERT_EQUAL(m->defaults.output_limit.bytes, 2ull << 20);
	CU_ASSERT_EQUAL(m->defaults.retries.number, 2);
	CU_ASSERT_EQUAL(m->defaults.expect.expect.kind, PYN_EXPECT_OUTCOME);
	CU_ASSERT_EQUAL(m->defaults.expect.expect.outcome, PYN_OUTCOME_PASS);
	CU_ASSERT_EQUAL_FATAL(m->defaults.n_limiters, 1);
	CU_ASSERT_STRING_EQUAL(m->defaults.limiters[0].name, "max_files");
	CU_ASSERT_EQUAL_FATAL(m->defaults.limiters[0].n_options, 1);
	CU_ASSERT_STRING_EQUAL(m->defaults.limiters[0].options[0].key, "count");
	CU_ASSERT_STRING_EQUAL(m->defaults.limiters[0].options[0].value, "16");
	CU_ASSERT_STRING_EQUAL(m->defaults.limiters[0].options[0].file,
			       "m.yaml");
	CU_ASSERT_EQUAL(m->defaults.limiters[0].options[0].line, 11);
	CU_ASSERT_EQUAL(m->defaults.limiters[0].options[0].column, 35);

	CU_ASSERT_EQUAL_FATAL(m->n_plugins, 1);
	CU_ASSERT_STRING_EQUAL(m->plugins[0], "plugins/libpyn_maxfiles");
	CU_ASSERT_EQUAL(m->plugin_locs[0].line, 13);
	CU_ASSERT_EQUAL(m->plugin_locs[0].column, 5);

	CU_ASSERT_EQUAL_FATAL(m->n_suites, 4);
	s = &m->suites[0];
	CU_ASSERT_STRING_EQUAL(s->name, "arith");
	CU_ASSERT_EQUAL(s->loc.line, 15);
	CU_ASSERT_EQUAL(s->loc.column, 11);
	CU_ASSERT_STRING_EQUAL(s->library, "build/libarith");
	CU_ASSERT_EQUAL(s->library_loc.line, 16);
	CU_ASSERT_EQUAL(s->library_loc.column, 14);
	CU_ASSERT_STRING_EQUAL(s->setup, "arith_setup");
	CU_ASSERT_STRING_EQUAL(s->teardown, "arith_teardown");
	CU_ASSERT_DOUBLE_EQUAL(s->settings.wall_time.seconds, 2, 1e-12);
	CU_ASSERT_STRING_EQUAL(s->discover, "test_*");
	CU_ASSERT_EQUAL_FATAL(s->n_tests, 5);
	t = &s->tests[0];
	CU_ASSERT_STRING_EQUAL(t->name, "adds_small_numbers");
	CU_ASSERT_STRING_EQUAL(t->function, "adds_small_numbers");
	CU_ASSERT_EQUAL(t->loc.line, 21);
	CU_ASSERT_EQUAL(t->loc.column, 9);
	CU_ASSERT_PTR_NULL(t->settings); /* a bare name sets nothing */
	t = &s->tests[1];
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->settings);
	CU_ASSERT_STRING_EQUAL(t->name, "rejects_huge_alloc");
	CU_ASSERT_STRING_EQUAL(t->function, "test_huge_alloc");
	CU_ASSERT_EQUAL(t->function_loc.line, 23);
	CU_ASSERT_EQUAL(t->settings->memory.bytes, 64ull << 20);
	CU_ASSERT_EQUAL(t->settings->expect.expect.outcome,
			PYN_OUTCOME_MEMORY_LIMIT);
	t = &s->tests[2];
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->settings);
	CU_ASSERT_DOUBLE_EQUAL(t->settings->wall_time.seconds, 0.5, 1e-12);
	CU_ASSERT_EQUAL(t->settings->cpu_time.state, PYN_SETTING_NONE);
	CU_ASSERT_EQUAL(t->settings->expect.expect.kind, PYN_EXPECT_TIMEOUT);
	t = &s->tests[3];
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->settings);
	CU_ASSERT_EQUAL(t->settings->expect.expect.kind, PYN_EXPECT_SIGNAL);
	CU_ASSERT_EQUAL(t->settings->expect.expect.value, 11);
	t = &s->tests[4];
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->settings);
	CU_ASSERT_EQUAL(t->settings->expect.expect.kind, PYN_EXPECT_EXIT_CODE);
	CU_ASSERT_EQUAL(t->settings->expect.expect.value, 3);
	CU_ASSERT_EQUAL(t->settings->skip.state, PYN_SETTING_SET);
	CU_ASSERT_TRUE(t->settings->skip.flag);
	CU_ASSERT_STRING_EQUAL(t->settings->skip.text, "not on CI");
	CU_ASSERT_EQUAL(t->settings->retries.state, PYN_SETTING_SET);
	CU_ASSERT_EQUAL(t->settings->retries.number, 0);

	s = &m->suites[1];
	CU_ASSERT_STRING_EQUAL(s->cunit, "legacy_suites");
	CU_ASSERT_EQUAL_FATAL(s->n_cunit_register, 2);
	CU_ASSERT_STRING_EQUAL(s->cunit_register[1], "reg_b");
	CU_ASSERT_EQUAL(s->cunit_register_locs[1].line, 40);
	CU_ASSERT_EQUAL(s->cunit_register_locs[1].column, 29);

	s = &m->suites[2];
	CU_ASSERT_STRING_EQUAL(s->program, "build/kastore_tests");
	CU_ASSERT_EQUAL_FATAL(s->n_args, 2);
	CU_ASSERT_STRING_EQUAL(s->args[0], "-v");
	CU_ASSERT_STRING_EQUAL(s->args[1], "2");
	CU_ASSERT_STRING_EQUAL(s->cwd, "..");
	CU_ASSERT_EQUAL_FATAL(s->n_env, 1);
	CU_ASSERT_STRING_EQUAL(s->env[0], "DATA_PREFIX=test-data/");
	CU_ASSERT_EQUAL(s->settings.isolation.number, PYN_ISOLATION_FORK);
	CU_ASSERT_EQUAL_FATAL(s->n_overrides, 1);
	CU_ASSERT_STRING_EQUAL(s->overrides[0].match, "kastore.test_open_*");
	CU_ASSERT_EQUAL(s->overrides[0].settings.expect.expect.outcome,
			PYN_OUTCOME_FAIL);
	CU_ASSERT_EQUAL(s->overrides[0].settings.memory.state,
			PYN_SETTING_NONE);
	CU_ASSERT_TRUE(s->overrides[0].settings.skip.flag);
	CU_ASSERT_PTR_NULL(s->overrides[0].settings.skip.text);

	s = &m->suites[3];
	CU_ASSERT_EQUAL_FATAL(s->n_cunit_register, 1);
	CU_ASSERT_STRING_EQUAL(s->cunit_register[0], "only_one");
	CU_ASSERT_EQUAL_FATAL(s->settings.n_limiters, 2);
	CU_ASSERT_EQUAL(s->settings.limiters[0].n_options, 2);
	CU_ASSERT_STRING_EQUAL(s->settings.limiters[0].options[1].key, "mode");
	CU_ASSERT_STRING_EQUAL(s->settings.limiters[0].options[1].value,
			       "strict");
	CU_ASSERT_TRUE(s->settings.limiters[1].removed);
	CU_ASSERT_STRING_EQUAL(s->settings.limiters[1].name, "max_procs");
	pyn_manifest_free(m);
}

static void test_null_forms(void)
{
	struct pyn_manifest *m =
		load("defaults: { wall_time: none, cpu_time: ~, memory: null,\n"
		     "            retries: , isolation: null, expect: null }\n"
		     "suites: []\n");

	CU_ASSERT_EQUAL(m->defaults.wall_time.state, PYN_SETTING_NONE);
	CU_ASSERT_EQUAL(m->defaults.cpu_time.state, PYN_SETTING_NONE);
	CU_ASSERT_EQUAL(m->defaults.memory.state, PYN_SETTING_NONE);
	CU_ASSERT_EQUAL(m->defaults.retries.state, PYN_SETTING_NONE);
	CU_ASSERT_EQUAL(m->defaults.isolation.state, PYN_SETTING_NONE);
	CU_ASSERT_EQUAL(m->defaults.expect.state, PYN_SETTING_NONE);
	CU_ASSERT_EQUAL(m->defaults.output_limit.state, PYN_SETTING_UNSET);
	CU_ASSERT_EQUAL(m->n_suites, 0);
	pyn_manifest_free(m);
}

static void test_expect_forms(void)
{
	static const struct {
		const char *text;
		enum pyn_expect_kind kind;
		enum pyn_outcome outcome;
		int value;
	} cases[] = {
		{ "pass", PYN_EXPECT_OUTCOME, PYN_OUTCOME_PASS, 0 },
		{ "fail", PYN_EXPECT_OUTCOME, PYN_OUTCOME_FAIL, 0 },
		{ "error", PYN_EXPECT_OUTCOME, PYN_OUTCOME_ERROR, 0 },
		{ "wall_timeout", PYN_EXPECT_OUTCOME, PYN_OUTCOME_WALL_TIMEOUT,
		  0 },
		{ "cpu_timeout", PYN_EXPECT_OUTCOME, PYN_OUTCOME_CPU_TIMEOUT,
		  0 },
		{ "memory_limit", PYN_EXPECT_OUTCOME, PYN_OUTCOME_MEMORY_LIMIT,
		  0 },
		{ "skipped", PYN_EXPECT_OUTCOME, PYN_OUTCOME_SKIPPED, 0 },
		{ "interrupted", PYN_EXPECT_OUTCOME, PYN_OUTCOME_INTERRUPTED,
		  0 },
		{ "timeout", PYN_EXPECT_TIMEOUT, PYN_OUTCOME_PASS, 0 },
		{ "{signal: SIGABRT}", PYN_EXPECT_SIGNAL, PYN_OUTCOME_ERROR,
		  6 },
		{ "{signal: segv}", PYN_EXPECT_SIGNAL, PYN_OUTCOME_ERROR, 11 },
		{ "{signal: 9}", PYN_EXPECT_SIGNAL, PYN_OUTCOME_ERROR, 9 },
		{ "{exit_code: 255}", PYN_EXPECT_EXIT_CODE, PYN_OUTCOME_FAIL,
		  255 },
	};
	char yaml[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pyn_manifest *m;
		const struct pyn_expect *e;

		snprintf(yaml, sizeof(yaml),
			 "suites:\n- name: s\n  library: l\n  tests:\n"
			 "  - name: t\n    expect: %s\n",
			 cases[i].text);
		m = load(yaml);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m->suites[0].tests[0].settings);
		e = &m->suites[0].tests[0].settings->expect.expect;
		CU_ASSERT_EQUAL(e->kind, cases[i].kind);
		if (cases[i].kind != PYN_EXPECT_TIMEOUT)
			CU_ASSERT_EQUAL(e->outcome, cases[i].outcome);
		CU_ASSERT_EQUAL(e->value, cases[i].value);
		pyn_manifest_free(m);
	}
}

static void test_bom_and_crlf(void)
{
	struct pyn_manifest *m =
		load("\xEF\xBB\xBFsuites:\r\n  - name: s\r\n    library: l\r\n"
		     "    tests: [a]\r\n    wall_time: 2s\r\n");

	CU_ASSERT_EQUAL_FATAL(m->n_suites, 1);
	CU_ASSERT_STRING_EQUAL(m->suites[0].tests[0].name, "a");
	CU_ASSERT_EQUAL(m->suites[0].settings.wall_time.loc.line, 5);
	CU_ASSERT_EQUAL(m->suites[0].settings.wall_time.loc.column, 16);
	pyn_manifest_free(m);
}

static void test_dir_of_path(void)
{
	struct pyn_manifest *m = NULL;
	struct pyn_error err;
	const char y[] = "suites: []\n";

	CU_ASSERT_EQUAL(pyn_manifest_load_buffer(&m, y, sizeof(y) - 1,
						 "a/b/c.yaml", NULL, &err),
			0);
	CU_ASSERT_STRING_EQUAL(m->dir, "a/b");
	pyn_manifest_free(m);
	CU_ASSERT_EQUAL(pyn_manifest_load_buffer(&m, y, sizeof(y) - 1,
						 "/c.yaml", NULL, &err),
			0);
	CU_ASSERT_STRING_EQUAL(m->dir, "/");
	pyn_manifest_free(m);
	CU_ASSERT_EQUAL(pyn_manifest_load_buffer(&m, y, sizeof(y) - 1, "c.yaml",
						 "/x", &err),
			0);
	CU_ASSERT_STRING_EQUAL(m->dir, "/x");
	pyn_manifest_free(m);
}

static void test_load_file(void)
{
	struct pyn_manifest *m = (struct pyn_manifest *)1;
	struct pyn_error err = { 0 };
	char path[] = "/tmp/pyn-manifest-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	fputs("suites:\n  - name: a\n    library: x\n    tests: [t]\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(pyn_manifest_load(&m, path, &err), 0);
	CU_ASSERT_EQUAL_FATAL(m->n_suites, 1);
	CU_ASSERT_STRING_EQUAL(m->path, path);
	CU_ASSERT_STRING_EQUAL(m->dir, "/tmp");
	pyn_manifest_free(m);
	unlink(path);

	CU_ASSERT_EQUAL(pyn_manifest_load(&m, path, &err), PYN_EIO);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT(strstr(err.message, "cannot read manifest '") == err.message);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err.message, "No such file or directory"));
	CU_ASSERT_EQUAL(pyn_manifest_load(&m, "/tmp", &err), PYN_EIO);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "cannot read manifest '/tmp': is a directory");
}

static CU_TestInfo tests[] = {
	{ "every key of SPEC §1, with locations", test_every_key },
	{ "null, ~ and none remove a setting", test_null_forms },
	{ "every expect form", test_expect_forms },
	{ "byte-order mark and CRLF line ends", test_bom_and_crlf },
	{ "relative paths start at the manifest's folder", test_dir_of_path },
	{ "loading from a file", test_load_file },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "manifest-read", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
