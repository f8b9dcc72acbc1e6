/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-runner-e2e.c - the real pyntest program on a real test
 * library (test-runner-fixture.c): retries and flaky reporting, fail-fast,
 * shards (command line and Bazel's environment), interrupts, exit codes,
 * plain output in a pipe, both report flavours against their schemas.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pyntest/version.h>

#include "schema.h"
#include "unit.h"

static char dir[256];

static int suite_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pyn-runner-e2e-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	setenv("RX_DIR", dir, 1);
	setenv("NO_COLOR", "1", 1);
	setenv("PYNTEST_CACHE_DIR", dir, 1);
	unsetenv("XML_OUTPUT_FILE");
	unsetenv("CI");
	return 0;
}

static int suite_clean(void)
{
	char cmd[300];

	if (getenv("PYN_KEEP_REPORTS")) {
		fprintf(stderr, "files kept in %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* A manifest in the work dir whose tests are the fixture's functions. */
static void manifest(const char *name, const char *tests)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f,
		"defaults:\n  isolation: fork\n  wall_time: 60s\n"
		"suites:\n  - name: rx\n    library: %s\n    tests: [%s]\n",
		PYN_FIXTURE, tests);
	fclose(f);
}

/* Run a shell command in the work dir; stdout to out.txt, stderr err.txt. */
__attribute__((format(printf, 1, 0))) static int vsh(const char *fmt,
						     va_list ap)
{
	char line[1536], cmd[2048];
	int st;

	vsnprintf(line, sizeof(line), fmt, ap);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && %s >out.txt 2>err.txt </dev/null", dir, line);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

__attribute__((format(printf, 1, 2))) static int sh(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsh(fmt, ap);
	va_end(ap);
	return ret;
}

/* Run pyntest ARGS (a shell string) in the work dir. */
__attribute__((format(printf, 1, 2))) static int run(const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return sh("'%s' %s", PYN_PYNTEST, args);
}

static char *file(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return slurp(path);
}

/* A report of the run directory, against its flavour's schemas. */
static int report_invalid(const char *name, bool strict)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return strict ? strict_invalid(path) : default_invalid(path);
}

static void test_retries_and_flaky(void)
{
	char path[512], *xml, *out;

	snprintf(path, sizeof(path), "%s/flaky-mark", dir);
	unlink(path);
	manifest("retry.yaml", "rx_pass, rx_fail, rx_flaky, rx_crash");
	CU_ASSERT_EQUAL(run("--retries 2 -o retry.xml retry.yaml"), 1);
	xml = file("retry.xml");
	out = file("out.txt");
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	/* Flaky: passed on its second run, one flakyFailure. */
	CU_ASSERT_EQUAL(count(xml, "<flakyFailure "), 1);
	/* Never passing: the first run, then one rerun element per rerun. */
	CU_ASSERT_EQUAL(count(xml, "<rerunFailure "), 2);
	CU_ASSERT_EQUAL(count(xml, "<rerunError type=\"Signal\""), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"0\""));
	/* nextest's lines: each failed try, then FLAKY n/m or the last. */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, " TRY 1 FAIL [ "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  FLAKY 2/3 [ "));
	CU_ASSERT_EQUAL(count(out, "TRY 3 SIGABRT [ "), 1);
	/* One closing line, the flaky test among the passed. */
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, ": 2 passed, 2 failed, 0 skipped; 1 flaky\n"));
	CU_ASSERT_EQUAL(report_invalid("retry.xml", false), 0);
	/* In a pipe: plain lines only. */
	CU_ASSERT_PTR_NULL(strchr(out, '\r'));
	CU_ASSERT_PTR_NULL(strchr(out, '\033'));
	free(xml);
	free(out);
	CU_ASSERT_EQUAL(
		run("--retries 2 --junit-flavor strict -o strict.xml retry.yaml"),
		1);
	CU_ASSERT_EQUAL(report_invalid("strict.xml", true), 0);
}

static void test_fail_fast(void)
{
	char *xml;

	manifest("ff.yaml", "rx_fail, rx_pass, rx_pass, rx_chatty");
	/* The duplicate id is a manifest error: exit 4, nothing runs. */
	CU_ASSERT_EQUAL(run("-o ff.xml ff.yaml"), 4);
	manifest("ff.yaml", "rx_fail, rx_pass, rx_chatty, rx_flaky");
	CU_ASSERT_EQUAL(run("-j 1 -x -o ff.xml ff.yaml"), 1);
	xml = file("ff.xml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	/* Every planned test is in the report; the unstarted are not run. */
	CU_ASSERT_EQUAL(count(xml, "<testcase "), 4);
	CU_ASSERT_EQUAL(count(xml, "<skipped message=\"not run: stopped after "
				   "the first unexpected outcome (-x)\""),
			3);
	CU_ASSERT_EQUAL(count(xml, "Interrupted"), 0);
	free(xml);
}

static char *list(const char *args)
{
	CU_ASSERT_EQUAL(run("--list %s ids.yaml", args), 0);
	return file("out.txt");
}

static void test_shards(void)
{
	char *all, *a, *b, *c;
	char status[512];
	int total = 0;

	manifest("ids.yaml",
		 "rx_pass, rx_fail, rx_flaky, rx_crash, rx_chatty, rx_slow");
	all = list("");
	a = list("--shard 1/2");
	b = list("--shard 2/2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(all);
	CU_ASSERT_STRING_EQUAL(all, "rx.rx_pass\nrx.rx_fail\nrx.rx_flaky\n"
				    "rx.rx_crash\nrx.rx_chatty\nrx.rx_slow\n");
	/* Disjoint, and together every test once. */
	for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n")) {
		char needle[64];
		int in_a, in_b;

		snprintf(needle, sizeof(needle), "%s\n", line);
		in_a = strstr(a, needle) != NULL;
		in_b = strstr(b, needle) != NULL;
		CU_ASSERT_EQUAL(in_a + in_b, 1);
		total++;
	}
	CU_ASSERT_EQUAL(total, 6);
	/* Bazel's 0-based index is the same shard as --shard 1/2. */
	snprintf(status, sizeof(status), "%s/shard-status", dir);
	unlink(status);
	setenv("TEST_TOTAL_SHARDS", "2", 1);
	setenv("TEST_SHARD_INDEX", "0", 1);
	setenv("TEST_SHARD_STATUS_FILE", status, 1);
	c = list("");
	unsetenv("TEST_TOTAL_SHARDS");
	unsetenv("TEST_SHARD_INDEX");
	unsetenv("TEST_SHARD_STATUS_FILE");
	CU_ASSERT_STRING_EQUAL(c, a);
	CU_ASSERT_EQUAL(access(status, F_OK), 0);
	free(all);
	free(a);
	free(b);
	free(c);
}

static void test_exit_codes(void)
{
	char *s;

	manifest("codes.yaml", "rx_pass, rx_chatty");
	CU_ASSERT_EQUAL(run("codes.yaml"), 0);
	s = file("out.txt");
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ": 2 passed, 0 failed, 0 skipped\n"));
	free(s);
	CU_ASSERT_EQUAL(run("--check codes.yaml"), 0);
	s = file("out.txt");
	CU_ASSERT_STRING_EQUAL(s, "2 tests in 1 suite\n");
	free(s);
	CU_ASSERT_EQUAL(run("-k 'nothing*' codes.yaml"), 5);
	CU_ASSERT_EQUAL(run("--jobs=0 codes.yaml"), 4);
	s = file("err.txt");
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "option '-j/--jobs'"));
	free(s);
	CU_ASSERT_EQUAL(run("--version"), 0);
	s = file("out.txt");
	CU_ASSERT_STRING_EQUAL(s, "pyntest " PYN_VERSION_STRING "\n");
	free(s);
	manifest("typo.yaml", "rx_pass");
	{
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/typo.yaml", dir);
		f = fopen(path, "a");
		fputs("    wal_time: 2s\n", f);
		fclose(f);
	}
	CU_ASSERT_EQUAL(run("-o typo.xml typo.yaml"), 4);
	s = file("err.txt");
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "typo.yaml:8:5: error: "));
	free(s);
	CU_ASSERT_EQUAL(access("typo.xml", F_OK), -1); /* ran nothing */
}

/* Bazel: XML_OUTPUT_FILE is the default report; the premature-exit file
 * is created at start and gone after a clean exit. */
static void test_bazel_files(void)
{
	char premature[512], xml[512];

	manifest("bazel.yaml", "rx_pass");
	snprintf(premature, sizeof(premature), "%s/premature", dir);
	snprintf(xml, sizeof(xml), "%s/bazel.xml", dir);
	setenv("TEST_PREMATURE_EXIT_FILE", premature, 1);
	setenv("XML_OUTPUT_FILE", xml, 1);
	CU_ASSERT_EQUAL(run("bazel.yaml"), 0);
	unsetenv("TEST_PREMATURE_EXIT_FILE");
	unsetenv("XML_OUTPUT_FILE");
	CU_ASSERT_EQUAL(access(xml, F_OK), 0);
	CU_ASSERT_EQUAL(access(premature, F_OK), -1);
}

/*
 * Under a pseudo-terminal (script(1)): the progress line is redrawn with
 * \r; with CI set, plain lines even on a terminal.
 */
static void test_tty(void)
{
	char *out;

	/* script(1) is util-linux's (Debian's bsdutils, essential). */
	CU_ASSERT_EQUAL_FATAL(system("command -v script >/dev/null 2>&1"), 0);
	manifest("tty.yaml", "rx_pass, rx_fail");
	CU_ASSERT_EQUAL(
		sh("script -qec \"'%s' -j 1 tty.yaml\" /dev/null", PYN_PYNTEST),
		1);
	out = file("out.txt");
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\r\033[K[0/2 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "       FAIL [ "));
	free(out);
	setenv("CI", "true", 1);
	CU_ASSERT_EQUAL(
		sh("script -qec \"'%s' -j 1 tty.yaml\" /dev/null", PYN_PYNTEST),
		1);
	unsetenv("CI");
	out = file("out.txt");
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NULL(strstr(out, "\033[K"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "       FAIL [ "));
	free(out);
}

/* SIGINT: the report has every test, the unfinished interrupted; exit 2. */
static void test_interrupt(void)
{
	char report[512], *xml;
	double wait = PYN_T(0.7);
	struct timespec ts = { (time_t)wait,
			       (long)((wait - (double)(time_t)wait) * 1e9) };
	int st;
	pid_t pid;

	manifest("int.yaml", "rx_slow, rx_pass, rx_chatty");
	snprintf(report, sizeof(report), "%s/int.xml", dir);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		char yaml[512];

		snprintf(yaml, sizeof(yaml), "%s/int.yaml", dir);
		freopen("/dev/null", "w", stdout);
		execl(PYN_PYNTEST, "pyntest", "-j", "1", "-o", report, yaml,
		      (char *)NULL);
		_exit(127);
	}
	nanosleep(&ts, NULL);
	kill(pid, SIGINT);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	xml = slurp(report);
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_EQUAL(count(xml, "<testcase "), 3);
	/* The running test is interrupted; those never started are not run. */
	CU_ASSERT_EQUAL(count(xml, "<error type=\"Interrupted\""), 1);
	CU_ASSERT_EQUAL(count(xml, "<skipped message=\"not run: the run was "
				   "interrupted\""),
			2);
	CU_ASSERT_EQUAL(report_invalid("int.xml", false), 0);
	free(xml);
}

/* The part junit10: the reports above against junit-10 too. */
static void test_junit10(void)
{
	if (!junit10_part())
		return;
	test_retries_and_flaky();
	test_interrupt();
}

static CU_TestInfo e2e_tests[] = {
	{ "retries report flaky and reruns", test_retries_and_flaky },
	{ "fail-fast interrupts the rest", test_fail_fast },
	{ "shards are disjoint and complete", test_shards },
	{ "exit codes", test_exit_codes },
	{ "SIGINT writes the report and exits 2", test_interrupt },
	{ "Bazel's report and premature-exit files", test_bazel_files },
	{ "terminal progress line, CI plain lines", test_tty },
	/* A part (tests/runner.cmake): it skips without ../shared. */
	{ "junit10", test_junit10 },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo e2e_suites[] = {
	{ "runner-e2e", suite_init, suite_clean, NULL, NULL, e2e_tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(e2e_suites)
