/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-runner-cli.c - option parsing (SPEC §4), the test
 * protocols of the environment (Bazel, GoogleTest), and the duration cache.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "runner/cli.h"

static struct pyn__cli cli;
static struct pyn_error err;

static void clear_env(void)
{
	static const char *const names[] = {
		"XML_OUTPUT_FILE",   "TEST_TOTAL_SHARDS",
		"TEST_SHARD_INDEX",  "GTEST_TOTAL_SHARDS",
		"GTEST_SHARD_INDEX", "TESTBRIDGE_TEST_ONLY",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unsetenv(names[i]);
}

/* Parse a NULL-terminated list of arguments after "pyntest". */
static int parse(const char *first, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	pyn__cli_release(&cli);
	argv[argc++] = "pyntest";
	va_start(ap, first);
	for (const char *a = first; a && argc < 31;
	     a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return pyn__cli_parse(&cli, argc, argv, &err);
}

static void test_defaults(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	clear_env();
	CU_ASSERT_EQUAL_FATAL(parse("s.yaml", NULL), 0);
	CU_ASSERT_EQUAL(cli.n_manifests, 1);
	CU_ASSERT_STRING_EQUAL(cli.manifests[0], "s.yaml");
	CU_ASSERT_EQUAL(cli.jobs, (unsigned)cpus);
	CU_ASSERT_EQUAL(cli.retries, -1);
	CU_ASSERT_EQUAL(cli.shard_count, 0);
	CU_ASSERT_PTR_NULL(cli.junit_path);
	CU_ASSERT_STRING_EQUAL(cli.color, "auto");
	CU_ASSERT_EQUAL(cli.flavor, PYN__JUNIT_DEFAULT);

	setenv("XML_OUTPUT_FILE", "/tmp/bazel.xml", 1);
	CU_ASSERT_EQUAL_FATAL(parse("s.yaml", NULL), 0);
	CU_ASSERT_STRING_EQUAL(cli.junit_path, "/tmp/bazel.xml");
	CU_ASSERT_EQUAL_FATAL(parse("-o", "mine.xml", "s.yaml", NULL), 0);
	CU_ASSERT_STRING_EQUAL(cli.junit_path, "mine.xml");
	clear_env();
}

static void test_options(void)
{
	clear_env();
	CU_ASSERT_EQUAL_FATAL(parse("-j", "3", "-k", "a.*", "--filter", "!a.b",
				    "-x", "--retries", "2", "--shard", "2/3",
				    "--isolation", "spawn", "--wall-time",
				    "500ms", "--cpu-time", "2", "--memory",
				    "64MB", "--junit-flavor", "strict", "-q",
				    "--color", "never", "--provider",
				    "memory=rlimit", "a.yaml", "b.yaml", NULL),
			      0);
	CU_ASSERT_EQUAL(cli.jobs, 3);
	CU_ASSERT_EQUAL_FATAL(cli.n_filters, 2);
	CU_ASSERT_STRING_EQUAL(cli.filters[0], "a.*");
	CU_ASSERT_STRING_EQUAL(cli.filters[1], "!a.b");
	CU_ASSERT_TRUE(cli.fail_fast);
	CU_ASSERT_EQUAL(cli.retries, 2);
	CU_ASSERT_EQUAL(cli.shard_index, 1); /* 1-based on the command line */
	CU_ASSERT_EQUAL(cli.shard_count, 3);
	CU_ASSERT_FALSE(cli.shard_from_env);
	CU_ASSERT_EQUAL(cli.isolation, PYN_ISOLATION_SPAWN);
	CU_ASSERT_DOUBLE_EQUAL(cli.wall_time_s, 0.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(cli.cpu_time_s, 2.0, 1e-9);
	CU_ASSERT_EQUAL(cli.memory_bytes, 64u << 20);
	CU_ASSERT_EQUAL(cli.flavor, PYN__JUNIT_STRICT);
	CU_ASSERT_EQUAL(cli.verbosity, -1);
	CU_ASSERT_STRING_EQUAL(cli.color, "never");
	CU_ASSERT_EQUAL_FATAL(cli.n_forces, 1);
	CU_ASSERT_STRING_EQUAL(cli.forces[0].limiter, "memory");
	CU_ASSERT_STRING_EQUAL(cli.forces[0].provider, "rlimit");
	CU_ASSERT_EQUAL(cli.n_manifests, 2);
}

/* Every usage error names the option and the bad value. */
static void test_usage_errors(void)
{
	static const struct {
		const char *args[4];
		const char *message;
	} cases[] = {
		{ { "-j", "0", "s.yaml" },
		  "option '-j/--jobs' needs a whole number from 1 to 4096, not '0'" },
		{ { "--jobs", "two", "s.yaml" },
		  "option '-j/--jobs' needs a whole number from 1 to 4096, not 'two'" },
		{ { "-j", "10000", "s.yaml" },
		  "option '-j/--jobs' needs a whole number from 1 to 4096, not '10000'" },
		{ { "--shard", "0/2", "s.yaml" },
		  "option '--shard' needs I/N with 1 <= I <= N, not '0/2'" },
		{ { "--shard", "3/2", "s.yaml" },
		  "option '--shard' needs I/N with 1 <= I <= N, not '3/2'" },
		{ { "--shard", "1", "s.yaml" },
		  "option '--shard' needs I/N with 1 <= I <= N, not '1'" },
		{ { "--retries", "-1", "s.yaml" },
		  "option '--retries' needs a whole number from 0 to 1000, not '-1'" },
		{ { "--retries", "100000", "s.yaml" },
		  "option '--retries' needs a whole number from 0 to 1000, not '100000'" },
		{ { "--wall-time", "0.4ms", "s.yaml" },
		  "option '--wall-time': time limit '0.4ms' is below the 1 ms resolution" },
		{ { "--cpu-time", "0.0001", "s.yaml" },
		  "option '--cpu-time': time limit '0.0001' is below the 1 ms resolution" },
		{ { "--isolation", "thread", "s.yaml" },
		  "option '--isolation' takes fork, spawn or forkserver, not 'thread'" },
		{ { "--junit-flavor", "xunit", "s.yaml" },
		  "option '--junit-flavor' takes default or strict, not 'xunit'" },
		{ { "--color", "yes", "s.yaml" },
		  "option '--color' takes auto, always or never, not 'yes'" },
		{ { "--provider", "memory", "s.yaml" },
		  "option '--provider' needs LIMITER=PROVIDER, not 'memory'" },
		{ { "--frobnicate", "s.yaml" },
		  "unknown option '--frobnicate'" },
		{ { "--wal-time=1s", "s.yaml" },
		  "unknown option '--wal-time=1s'; did you mean '--wall-time'?" },
		{ { "--fail-fats", "s.yaml" },
		  "unknown option '--fail-fats'; did you mean '--fail-fast'?" },
		{ { "--memory", "1TB", "s.yaml" },
		  "option '--memory': bad memory unit 'TB' in '1TB'; use B, KB, MB or GB" },
		{ { "-Z", "s.yaml" }, "unknown option '-Z'" },
		{ { "s.yaml", "-o" },
		  "option '-o/--junit-xml' needs an argument" },
		{ { "s.yaml", "--shard" },
		  "option '--shard' needs an argument" },
		{ { "-v" }, "no manifest given" },
	};

	clear_env();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = parse(cases[i].args[0], cases[i].args[1],
				cases[i].args[2], cases[i].args[3], NULL);

		CU_ASSERT_EQUAL(ret, PYN_EUSAGE);
		CU_ASSERT_STRING_EQUAL(err.message, cases[i].message);
		if (strcmp(err.message, cases[i].message))
			fprintf(stderr, "\n  got: %s\n", err.message);
	}
	CU_ASSERT_EQUAL(parse("--wall-time", "5parsecs", "s.yaml", NULL),
			PYN_EUSAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "option '--wall-time': "));
	CU_ASSERT_EQUAL(parse("--memory", "-3MB", "s.yaml", NULL), PYN_EUSAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "option '--memory': "));
}

static void test_shards_from_env(void)
{
	clear_env();
	setenv("TEST_TOTAL_SHARDS", "4", 1);
	setenv("TEST_SHARD_INDEX", "0", 1); /* Bazel: 0-based */
	CU_ASSERT_EQUAL_FATAL(parse("s.yaml", NULL), 0);
	CU_ASSERT_EQUAL(cli.shard_index, 0);
	CU_ASSERT_EQUAL(cli.shard_count, 4);
	CU_ASSERT_TRUE(cli.shard_from_env);
	/* The command line wins. */
	CU_ASSERT_EQUAL_FATAL(parse("--shard", "2/2", "s.yaml", NULL), 0);
	CU_ASSERT_EQUAL(cli.shard_index, 1);
	CU_ASSERT_EQUAL(cli.shard_count, 2);
	CU_ASSERT_FALSE(cli.shard_from_env);
	setenv("TEST_SHARD_INDEX", "4", 1);
	CU_ASSERT_EQUAL(parse("s.yaml", NULL), PYN_EUSAGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "TEST_SHARD_INDEX=4"));
	clear_env();
	setenv("GTEST_TOTAL_SHARDS", "3", 1);
	setenv("GTEST_SHARD_INDEX", "2", 1);
	CU_ASSERT_EQUAL_FATAL(parse("s.yaml", NULL), 0);
	CU_ASSERT_EQUAL(cli.shard_index, 2);
	CU_ASSERT_EQUAL(cli.shard_count, 3);
	clear_env();
}

static void test_testbridge_filter(void)
{
	clear_env();
	setenv("TESTBRIDGE_TEST_ONLY", "a.*:b.*-a.slow:a.huge", 1);
	CU_ASSERT_EQUAL_FATAL(parse("s.yaml", NULL), 0);
	CU_ASSERT_EQUAL_FATAL(cli.n_filters, 4);
	CU_ASSERT_STRING_EQUAL(cli.filters[0], "a.*");
	CU_ASSERT_STRING_EQUAL(cli.filters[1], "b.*");
	/* GoogleTest matches plain names exactly: an escape makes them globs. */
	CU_ASSERT_STRING_EQUAL(cli.filters[2], "!\\a.slow");
	CU_ASSERT_STRING_EQUAL(cli.filters[3], "!\\a.huge");
	/* -k replaces it. */
	CU_ASSERT_EQUAL_FATAL(parse("-k", "c.*", "s.yaml", NULL), 0);
	CU_ASSERT_EQUAL(cli.n_filters, 1);
	clear_env();
}

static void test_program_args(void)
{
	clear_env();
	CU_ASSERT_EQUAL_FATAL(
		parse("-j", "1", "./prog", "--", "-v", "--x", NULL), 0);
	CU_ASSERT_EQUAL(cli.jobs, 1);
	CU_ASSERT_EQUAL_FATAL(cli.n_manifests, 1);
	CU_ASSERT_STRING_EQUAL(cli.manifests[0], "./prog");
	CU_ASSERT_EQUAL_FATAL(cli.n_program_args, 2);
	/* After `--`, options are the program's, not ours. */
	CU_ASSERT_STRING_EQUAL(cli.program_args[0], "-v");
	CU_ASSERT_STRING_EQUAL(cli.program_args[1], "--x");
	CU_ASSERT_EQUAL(cli.verbosity, 0);
	CU_ASSERT_EQUAL(parse("a", "b", "--", "x", NULL), PYN_EUSAGE);
}

static void test_help_text_lists_every_option(void)
{
	static const char *const opts[] = {
		"--junit-xml", "--junit-flavor", "--jobs",	"--filter",
		"--list",      "--check",	 "--fail-fast", "--retries",
		"--shard",     "--isolation",	 "--wall-time", "--cpu-time",
		"--memory",    "--limiters",	 "--provider",	"--quiet",
		"--verbose",   "--color",	 "--version",	"--help",
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	pyn__cli_usage(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(buf, opts[i]));
	free(buf);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int c;

	if (!f || !m) {
		if (f)
			fclose(f);
		if (m)
			fclose(m);
		free(buf);
		return NULL;
	}
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

/*
 * docs/cli.md and the man page name every long option --help names (the
 * man page spells '-' as '\-').
 */
static void test_docs_match_help(void)
{
	char *help = NULL, *md, *man;
	size_t len = 0;
	FILE *f = open_memstream(&help, &len);
	int n = 0;

	pyn__cli_usage(f);
	fclose(f);
	md = slurp(PYN_SOURCE_DIR "/docs/cli.md");
	man = slurp(PYN_SOURCE_DIR "/docs/pyntest.1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(md);
	CU_ASSERT_PTR_NOT_NULL_FATAL(man);
	for (const char *p = help; (p = strstr(p, "--")); p += 2) {
		char opt[64], esc[128];
		size_t k = 0, e = 0;

		while (k < sizeof(opt) - 1 &&
		       (p[k] == '-' || (p[k] >= 'a' && p[k] <= 'z')))
			opt[k] = p[k], k++;
		opt[k] = '\0';
		if (k <= 2)
			continue;
		for (size_t i = 0; i < k; i++) {
			if (opt[i] == '-')
				esc[e++] = '\\';
			esc[e++] = opt[i];
		}
		esc[e] = '\0';
		CU_ASSERT_PTR_NOT_NULL(strstr(md, opt));
		CU_ASSERT_PTR_NOT_NULL(strstr(man, esc));
		if (!strstr(md, opt) || !strstr(man, esc))
			fprintf(stderr, "\n  undocumented: %s\n", opt);
		n++;
	}
	CU_ASSERT(n >= 20);
	free(help);
	free(md);
	free(man);
}

/* The cache orders the next run; it keeps what this run did not touch. */
static void test_duration_cache(void)
{
	char dir[] = "/tmp/pyn-cache-XXXXXX", cmd[64];
	struct pyn_plan_test tests[3];
	struct pyn_plan plan;
	struct pyn__report_entry entries[3];
	struct pyn__attempt attempts[3];
	struct pyn__report report;
	const char *manifests[] = { "a.yaml" };
	char *path;
	double *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	setenv("PYNTEST_CACHE_DIR", dir, 1);
	path = pyn__cache_path(manifests, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(path);
	CU_ASSERT_EQUAL(strncmp(path, dir, strlen(dir)), 0);
	memset(tests, 0, sizeof(tests));
	memset(&plan, 0, sizeof(plan));
	memset(entries, 0, sizeof(entries));
	memset(attempts, 0, sizeof(attempts));
	memset(&report, 0, sizeof(report));
	tests[0].id = "s.a";
	tests[1].id = "s.b";
	tests[2].id = "s.c";
	plan.tests = tests;
	plan.n_tests = 3;
	CU_ASSERT_PTR_NULL(pyn__cache_load(path, &plan)); /* no file yet */
	for (int i = 0; i < 2; i++) {
		entries[i].test = &tests[i];
		entries[i].attempts = &attempts[i];
		entries[i].n_attempts = 1;
		attempts[i].result.outcome = PYN_OUTCOME_PASS;
		attempts[i].result.wall_time_s = 0.5 + i;
	}
	report.entries = entries;
	report.n_entries = 2;
	pyn__cache_save(path, &report);
	d = pyn__cache_load(path, &plan);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_DOUBLE_EQUAL(d[0], 0.5, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(d[1], 1.5, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(d[2], -1, 1e-6);
	free(d);
	/* A run of only s.c keeps s.a and s.b. */
	entries[0].test = &tests[2];
	attempts[0].result.wall_time_s = 3;
	report.n_entries = 1;
	pyn__cache_save(path, &report);
	d = pyn__cache_load(path, &plan);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_DOUBLE_EQUAL(d[0], 0.5, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(d[1], 1.5, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(d[2], 3.0, 1e-6);
	free(d);
	free(path);
	unsetenv("PYNTEST_CACHE_DIR");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static int suite_clean(void)
{
	pyn__cli_release(&cli);
	return 0;
}

static CU_TestInfo cli_tests[] = {
	{ "defaults and XML_OUTPUT_FILE", test_defaults },
	{ "every option", test_options },
	{ "usage errors name the option", test_usage_errors },
	{ "shards from Bazel and GoogleTest", test_shards_from_env },
	{ "TESTBRIDGE_TEST_ONLY filters", test_testbridge_filter },
	{ "PROGRAM -- ARGS", test_program_args },
	{ "--help lists every option", test_help_text_lists_every_option },
	{ "duration cache", test_duration_cache },
	{ "docs/cli.md and pyntest.1 match --help", test_docs_match_help },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo cli_suites[] = {
	{ "cli", NULL, suite_clean, NULL, NULL, cli_tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(cli_suites)
