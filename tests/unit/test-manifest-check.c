/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-manifest-check.c - validating manifests
 * (config/manifest.c): the first mistake of each kind (YAML syntax,
 * structure, settings, list items, nesting) with its exact line, column
 * and message.
 */
#include <stdio.h>
#include <string.h>

#include "manifest_test.h"

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
	{ "malformed YAML", test_syntax_errors },
	{ "structure mistakes", test_structure_errors },
	{ "setting mistakes", test_setting_errors },
	{ "list items of the wrong kind", test_item_errors },
	{ "deep nesting is refused", test_deep_nesting },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "manifest-check", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
