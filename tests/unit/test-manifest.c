/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-manifest.c - reading and validating manifests
 * (config/manifest.c): every key, every value form, every mistake with
 * its exact line, column and message.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config/manifest.h"
#include "unit.h"

static struct pyn_manifest *load(const char *yaml)
{
	struct pyn_manifest *m = NULL;
	struct pyn_error err = { 0 };
	int rc = pyn_manifest_load_buffer(&m, yaml, strlen(yaml), "m.yaml",
					  NULL, &err);

	if (rc)
		fprintf(stderr, "\nunexpected error: %d:%d: %s\n", err.line,
			err.column, err.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	return m;
}

/* "LINE:COLUMN: error: MESSAGE" of the first mistake in `yaml`. */
static const char *load_error(const char *yaml, int *code)
{
	static char out[PYN_ERROR_MESSAGE_MAX + 64];
	struct pyn_manifest *m = (struct pyn_manifest *)1;
	struct pyn_error err = { 0 };
	int rc;

	rc = pyn_manifest_load_buffer(&m, yaml, strlen(yaml), "m.yaml", NULL,
				      &err);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT(rc < 0);
	CU_ASSERT_EQUAL(rc, err.code);
	CU_ASSERT_STRING_EQUAL(err.file, "m.yaml");
	if (code)
		*code = rc;
	snprintf(out, sizeof(out), "%u:%u: error: %s", err.line, err.column,
		 err.message);
	return out;
}

#define EXPECT_ERROR(yaml, want)                                               \
	do {                                                                   \
		const char *got_ = load_error(yaml, NULL);                     \
		if (strcmp(got_, want))                                        \
			fprintf(stderr, "\n  got:  %s\n  want: %s\n", got_,    \
				want);                                         \
		CU_ASSERT_STRING_EQUAL(got_, want);                            \
	} while (0)

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

#define SUITE_HEAD "suites:\n  - name: s\n    library: l\n"

static void test_syntax_errors(void)
{
	int code = 0;

	CU_ASSERT_STRING_EQUAL(
		load_error("suites: [\n", &code),
		"2:1: error: invalid YAML: did not find expected node content (while parsing a flow node at line 2)");
	CU_ASSERT_EQUAL(code, PYN_ESYNTAX);
	EXPECT_ERROR(
		"a: b: c\n",
		"1:5: error: invalid YAML: mapping values are not allowed in this context");
	EXPECT_ERROR(
		"suites:\n\t- x\n",
		"2:1: error: a tab character; YAML indents with spaces, never tabs");
	EXPECT_ERROR(
		"suites:\n  - name: s\n\tlibrary: x\n",
		"3:1: error: a tab character; YAML indents with spaces, never tabs");
	EXPECT_ERROR(
		"suites:\n  - name: s\n   \t library: x\n",
		"3:4: error: a tab character; YAML indents with spaces, never tabs");
	EXPECT_ERROR(
		"suites: []\n---\nsuites: []\n",
		"2:1: error: a manifest holds one YAML document, not several");
	EXPECT_ERROR("suites: [\"\xff\"]\n",
		     "1:11: error: invalid YAML: invalid leading UTF-8 octet");
	EXPECT_ERROR("x: &a 1\nsuites: *a\n",
		     "2:9: error: YAML aliases ('*a') are not supported");
}

static void test_structure_errors(void)
{
	EXPECT_ERROR("", "1:1: error: manifest is empty; it needs 'suites'");
	EXPECT_ERROR("# nothing\n",
		     "1:1: error: manifest is empty; it needs 'suites'");
	EXPECT_ERROR(
		"- a\n",
		"1:1: error: a manifest must be a mapping with 'suites', not a list");
	EXPECT_ERROR("version: 1\n", "1:1: error: manifest has no 'suites'");
	EXPECT_ERROR(
		"version: 2\nsuites: []\n",
		"1:10: error: unsupported manifest version '2'; only 1 is known");
	EXPECT_ERROR("suite: []\n",
		     "1:1: error: unknown key 'suite'; did you mean 'suites'?");
	EXPECT_ERROR("suites: []\nfoo: 1\n", "2:1: error: unknown key 'foo'");
	EXPECT_ERROR("suites: {}\n",
		     "1:9: error: 'suites' must be a list, not a mapping");
	EXPECT_ERROR("suites: []\nsuites: []\n",
		     "2:1: error: duplicate key 'suites' (first at line 1)");
	EXPECT_ERROR("[a]: 1\n",
		     "1:1: error: keys must be strings, not a list");
	EXPECT_ERROR("suites:\n  - library: l\n    tests: [a]\n",
		     "2:5: error: suite has no 'name'");
	EXPECT_ERROR("suites:\n  - name: [x]\n",
		     "2:11: error: 'name' must be a string, not a list");
	EXPECT_ERROR("suites:\n  - name: ''\n",
		     "2:11: error: 'name' must not be empty");
	EXPECT_ERROR("suites:\n  - name: s\n",
		     "2:5: error: suite 's' needs 'library' or 'program'");
	EXPECT_ERROR(
		SUITE_HEAD "    program: p\n",
		"4:14: error: suite 's' has both 'library' and 'program'; use one");
	EXPECT_ERROR(
		SUITE_HEAD,
		"2:11: error: suite 's' has no tests; add 'tests', 'discover', 'cunit' or 'cunit_register'");
	EXPECT_ERROR(SUITE_HEAD "    tests: [a]\n    args: [x]\n",
		     "5:5: error: 'args' needs 'program'");
	EXPECT_ERROR(
		"suites:\n  - name: s\n    program: p\n    tests: [a]\n",
		"4:5: error: 'tests' needs 'library'; a 'program' suite registers its own tests");
	EXPECT_ERROR(
		SUITE_HEAD
		"    tests: [a]\n  - name: s\n    library: m\n    tests: [b]\n",
		"5:11: error: duplicate suite name 's' (first at line 2)");
	EXPECT_ERROR(SUITE_HEAD "    tests: [a, b, a]\n",
		     "4:19: error: duplicate test id 's.a' (first at line 4)");
	EXPECT_ERROR(SUITE_HEAD "    tests:\n      - a\n      - name: a\n",
		     "6:15: error: duplicate test id 's.a' (first at line 5)");
	EXPECT_ERROR(SUITE_HEAD "    tests: a\n",
		     "4:12: error: 'tests' must be a list, not a string");
	EXPECT_ERROR(
		SUITE_HEAD "    tests: [[a]]\n",
		"4:13: error: a test must be a function name or a mapping, not a list");
	EXPECT_ERROR(SUITE_HEAD "    tests:\n      - wall_time: 1s\n",
		     "5:9: error: test has no 'name'");
	EXPECT_ERROR(
		SUITE_HEAD "    tests:\n      - name: t\n        fuction: f\n",
		"6:9: error: unknown key 'fuction'; did you mean 'function'?");
	EXPECT_ERROR(SUITE_HEAD
		     "    tests: [a]\n    overrides:\n      - expect: fail\n",
		     "6:9: error: override has no 'match'");
	EXPECT_ERROR(SUITE_HEAD
		     "    tests: [a]\n    overrides:\n      - mach: x\n",
		     "6:9: error: unknown key 'mach'; did you mean 'match'?");
	EXPECT_ERROR(SUITE_HEAD "    tests: [a]\n    env: [A]\n",
		     "5:10: error: 'env' must be a mapping, not a list");
	EXPECT_ERROR(
		SUITE_HEAD "    tests: [a]\n    env: { A: [1] }\n",
		"5:15: error: value of 'A' in 'env' must be a string, not a list");
	EXPECT_ERROR(
		SUITE_HEAD "    tests: [a]\n    cunit_register: {a: b}\n",
		"5:21: error: 'cunit_register' must be a list or a string, not a mapping");
	EXPECT_ERROR(
		SUITE_HEAD "    tests: [a]\n    limiters: { max_files: 3 }\n",
		"5:28: error: options of limiter 'max_files' must be a mapping {key: value}, not a string");
	EXPECT_ERROR(
		SUITE_HEAD
		"    tests: [a]\n    limiters: { max_files: { count: [1] } }\n",
		"5:37: error: option 'count' of limiter 'max_files' must be a scalar, not a list");
	EXPECT_ERROR(
		"plugins: [[x]]\nsuites: []\n",
		"1:11: error: items of 'plugins' must be strings, not a list");
}

static void test_setting_errors(void)
{
	EXPECT_ERROR(
		"defaults:\n  wal_time: 1s\nsuites: []\n",
		"2:3: error: unknown key 'wal_time'; did you mean 'wall_time'?");
	EXPECT_ERROR(
		"defaults:\n  memroy: 1MB\nsuites: []\n",
		"2:3: error: unknown key 'memroy'; did you mean 'memory'?");
	EXPECT_ERROR("defaults:\n  skip: true\nsuites: []\n",
		     "2:3: error: unknown key 'skip'");
	EXPECT_ERROR(
		SUITE_HEAD "    tests: [a]\n    wall_tme: 1\n",
		"5:5: error: unknown key 'wall_tme'; did you mean 'wall_time'?");
	EXPECT_ERROR(
		"defaults: { wall_time: 5sec }\nsuites: []\n",
		"1:24: error: bad time unit 'sec' in '5sec'; use ms, s, m or h");
	EXPECT_ERROR(
		"defaults: { memory: 5XB }\nsuites: []\n",
		"1:21: error: bad memory unit 'XB' in '5XB'; use B, KB, MB or GB");
	EXPECT_ERROR(
		"defaults: { wall_time: 0 }\nsuites: []\n",
		"1:24: error: wall time limit '0' must be positive (use null for no limit)");
	EXPECT_ERROR(
		"defaults: { cpu_time: -2s }\nsuites: []\n",
		"1:23: error: CPU time limit '-2s' must be positive (use null for no limit)");
	/* Reports show milliseconds: less would read 0.000, "no limit". */
	EXPECT_ERROR(
		"defaults: { wall_time: 0.4ms }\nsuites: []\n",
		"1:24: error: wall time limit '0.4ms' is below the 1 ms resolution");
	EXPECT_ERROR(
		"defaults: { cpu_time: 0.1ms }\nsuites: []\n",
		"1:23: error: CPU time limit '0.1ms' is below the 1 ms resolution");
	EXPECT_ERROR(
		"defaults: { wall_time: 0.0001 }\nsuites: []\n",
		"1:24: error: wall time limit '0.0001' is below the 1 ms resolution");
	EXPECT_ERROR(
		"defaults: { cpu_time: [0.5, ms] }\nsuites: []\n",
		"1:23: error: CPU time limit '[0.5, ms]' is below the 1 ms resolution");
	EXPECT_ERROR(
		"defaults: { memory: [0, MB] }\nsuites: []\n",
		"1:21: error: memory limit '[0, MB]' must be positive (use null for no limit)");
	EXPECT_ERROR(
		"defaults: { memory: [64, MB, x] }\nsuites: []\n",
		"1:21: error: 'memory' as a list must be [value, unit], like [64, MB]");
	EXPECT_ERROR(
		"defaults: { wall_time: {a: 1} }\nsuites: []\n",
		"1:24: error: 'wall_time' must be a time value, not a mapping");
	EXPECT_ERROR(
		"defaults: { output_limit: 0 }\nsuites: []\n",
		"1:27: error: output limit '0' must be positive (use null for no limit)");
	EXPECT_ERROR("defaults: { output_limit: 9999999999GB }\nsuites: []\n",
		     "1:27: error: output limit '9999999999GB' is too large");
	EXPECT_ERROR(
		"defaults: { wall_time: 99999y }\nsuites: []\n",
		"1:24: error: bad time unit 'y' in '99999y'; use ms, s, m or h");
	EXPECT_ERROR("defaults: { wall_time: 1e12 }\nsuites: []\n",
		     "1:24: error: wall time limit '1e12' is too large");
	EXPECT_ERROR(
		"defaults: { isolation: thread }\nsuites: []\n",
		"1:24: error: bad isolation 'thread'; use forkserver, spawn or fork");
	EXPECT_ERROR(
		"defaults: { isolation: forksever }\nsuites: []\n",
		"1:24: error: bad isolation 'forksever'; did you mean 'forkserver'?");
	EXPECT_ERROR(
		"defaults: { isolation: [fork] }\nsuites: []\n",
		"1:24: error: 'isolation' must be forkserver, spawn or fork, not a list");
	EXPECT_ERROR(
		"defaults: { terminate_child_processes: maybe }\nsuites: []\n",
		"1:40: error: 'terminate_child_processes' must be true or false, not 'maybe'");
	EXPECT_ERROR(
		"defaults: { retries: -1 }\nsuites: []\n",
		"1:22: error: 'retries' must be between 0 and 1000, not -1");
	EXPECT_ERROR(
		"defaults: { retries: two }\nsuites: []\n",
		"1:22: error: 'retries' must be a whole number, not 'two'");
	EXPECT_ERROR(
		"defaults: { expect: pas }\nsuites: []\n",
		"1:21: error: unknown outcome 'pas' in expect; did you mean 'pass'?");
	EXPECT_ERROR(
		"defaults: { expect: crashed }\nsuites: []\n",
		"1:21: error: unknown outcome 'crashed' in expect; use pass, fail, error, wall_timeout, cpu_timeout, memory_limit, skipped, interrupted, not_run, timeout, {signal: NAME} or {exit_code: N}");
	EXPECT_ERROR(
		"defaults: { expect: { signal: SIGFOO } }\nsuites: []\n",
		"1:31: error: unknown signal 'SIGFOO'; use a name like SIGSEGV or a number");
	EXPECT_ERROR(
		"defaults: { expect: { exit_code: 0 } }\nsuites: []\n",
		"1:34: error: 'exit_code' must be between 1 and 255, not 0");
	EXPECT_ERROR(
		"defaults: { expect: { signl: 11 } }\nsuites: []\n",
		"1:23: error: unknown key 'signl'; did you mean 'signal'?");
	EXPECT_ERROR(
		"defaults: { expect: { signal: 11, exit_code: 1 } }\nsuites: []\n",
		"1:21: error: 'expect' must be an outcome name, {signal: NAME} or {exit_code: N}, not a mapping of several keys");
	EXPECT_ERROR(
		"defaults: { expect: [pass] }\nsuites: []\n",
		"1:21: error: 'expect' must be an outcome name, {signal: NAME} or {exit_code: N}, not a list");
}

static void test_item_errors(void)
{
	EXPECT_ERROR(
		"suites: [arith]\n",
		"1:10: error: a suite must be a mapping with 'name', not a string");
	EXPECT_ERROR(
		SUITE_HEAD "    tests: [a]\n    overrides: [x]\n",
		"5:17: error: an override must be a mapping with 'match', not a string");
	EXPECT_ERROR(
		"defaults: { expect: {} }\nsuites: []\n",
		"1:21: error: 'expect' must be an outcome name, {signal: NAME} or {exit_code: N}, not an empty mapping");
	EXPECT_ERROR(SUITE_HEAD "    tests: [a]\n    env: { 'A=B': x }\n",
		     "5:12: error: bad environment variable name 'A=B'");
	EXPECT_ERROR(SUITE_HEAD "    tests: ['']\n",
		     "4:13: error: test name must not be empty");
	/* Control characters: shown escaped, at the name. */
	EXPECT_ERROR(
		SUITE_HEAD "    tests: [\"a\\nb\"]\n",
		"4:13: error: test name 'a\\nb' contains a control character (U+000A)");
	EXPECT_ERROR(
		SUITE_HEAD
		"    tests:\n      - {name: \"x\\u0001y\", function: f}\n",
		"5:16: error: test name 'x\\x01y' contains a control character (U+0001)");
	EXPECT_ERROR(
		SUITE_HEAD "    tests: [\"tab\\there\"]\n",
		"4:13: error: test name 'tab\\there' contains a control character (U+0009)");
	EXPECT_ERROR(
		SUITE_HEAD "    tests: [\"del\\x7f\"]\n",
		"4:13: error: test name 'del\\x7f' contains a control character (U+007F)");
	EXPECT_ERROR(
		"suites:\n  - name: \"s\\r\"\n    library: l\n    tests: [a]\n",
		"2:11: error: suite name 's\\r' contains a control character (U+000D)");
	/* Other non-ASCII is fine. */
	pyn_manifest_free(load(SUITE_HEAD "    tests: [\"caf\\u00e9\"]\n"));
}

static void test_deep_nesting(void)
{
	char yaml[400];
	size_t i, n = 0;

	n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "suites: ");
	for (i = 0; i < 100; i++)
		yaml[n++] = '[';
	yaml[n] = '\0';
	/* Refused at the limit, before libyaml sees the end of the input. */
	EXPECT_ERROR(yaml, "1:72: error: nesting deeper than 64 levels");
}

static CU_TestInfo tests[] = {
	{ "every key of SPEC §1, with locations", test_every_key },
	{ "null, ~ and none remove a setting", test_null_forms },
	{ "every expect form", test_expect_forms },
	{ "byte-order mark and CRLF line ends", test_bom_and_crlf },
	{ "relative paths start at the manifest's folder", test_dir_of_path },
	{ "loading from a file", test_load_file },
	{ "malformed YAML", test_syntax_errors },
	{ "structure mistakes", test_structure_errors },
	{ "setting mistakes", test_setting_errors },
	{ "list items of the wrong kind", test_item_errors },
	{ "deep nesting is refused", test_deep_nesting },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "manifest", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
