/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-console.c - console formatting: plain (CI/pipe) lines,
 * verbosity, the summary lines, colour choice and the TTY progress line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "runner/report/report.h"

#define N_MAX 8
static struct pyn_plan_test tests[N_MAX];
static struct pyn__report_entry entries[N_MAX];
static struct pyn__attempt attempts[N_MAX][2];
static const char *suites[] = { "s" };
static struct pyn__report report;

static struct pyn__attempt *add(const char *id, enum pyn_outcome v, double t,
				const char *msg)
{
	size_t i = report.n_entries++;
	struct pyn__attempt *a = &attempts[i][0];

	memset(&tests[i], 0, sizeof(tests[i]));
	tests[i].id = (char *)id;
	tests[i].suite = "s";
	tests[i].name = (char *)strchr(id, '.') + 1;
	memset(a, 0, sizeof(attempts[i]));
	a->result.outcome = v;
	a->result.wall_time_s = t;
	a->verdict = v;
	a->message = (char *)msg; /* borrowed: never released */
	entries[i].test = &tests[i];
	entries[i].attempts = a;
	entries[i].n_attempts = 1;
	return a;
}

static void build(void)
{
	struct pyn__attempt *a;

	memset(&report, 0, sizeof(report));
	report.entries = entries;
	report.suites = suites;
	report.n_suites = 1;
	report.duration_s = 2.345;
	add("s.ok", PYN_OUTCOME_PASS, 0.5, "");
	a = add("s.bad", PYN_OUTCOME_FAIL, 0.012, "t.c:3: CU_ASSERT(0)\nmore");
	a->result.out = "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\nl11\nl12\n";
	a->result.out_len = strlen(a->result.out);
	a = add("s.segv", PYN_OUTCOME_ERROR, 0.003, "killed by signal SIGSEGV");
	a->result.term_signal = 11;
	add("s.slow", PYN_OUTCOME_WALL_TIMEOUT, 1.0,
	    "exceeded wall time limit 1.000 s");
	add("s.skip", PYN_OUTCOME_SKIPPED, 0.001, "later");
	a = add("s.flaky", PYN_OUTCOME_FAIL, 0.2, "oops");
	a[1].verdict = PYN_OUTCOME_PASS;
	a[1].result.wall_time_s = 0.1;
	entries[report.n_entries - 1].n_attempts = 2;
	tests[report.n_entries - 1].retries = 2;
}

static int durations = -1;
static unsigned max_tries = 1; /* for pyn__console_tries() */

/* Run the console over the report into a string. */
static char *render(enum pyn__console_mode mode, int verbosity, bool color)
{
	struct pyn__console c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	pyn__console_init(&c, f, mode, verbosity, color, report.n_entries);
	c.durations = durations;
	pyn__console_tries(&c, max_tries);
	for (size_t i = 0; i < report.n_entries; i++)
		pyn__console_started(&c, entries[i].test->id);
	for (size_t i = 0; i < report.n_entries; i++)
		pyn__console_finished(&c, &entries[i]);
	pyn__console_summary(&c, &report);
	pyn__console_release(&c);
	fclose(f);
	return buf;
}

/* The report of build(): each test counted once, flaky among the passed. */
#define CLOSING "6 tests in 2.345s: 2 passed, 3 failed, 1 skipped; 1 flaky\n"

static char *render_durations(int n)
{
	char *s;

	durations = n;
	s = render(PYN__CONSOLE_PLAIN, 0, false);
	durations = -1;
	return s;
}

static const char *last_line(const char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		n--;
	while (n && s[n - 1] != '\n')
		n--;
	return s + n;
}

static void test_plain_lines(void)
{
	char *s;

	build();
	s = render(PYN__CONSOLE_PLAIN, 0, false);
	CU_ASSERT_PTR_NULL(strchr(s, '\r'));
	CU_ASSERT_PTR_NULL(strchr(s, '\033'));
	/* Words right-aligned in one column. */
	CU_ASSERT_PTR_NOT_NULL(strstr(
		s, "       FAIL [ 0.012s] s.bad: t.c:3: CU_ASSERT(0)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		s,
		"\n    SIGSEGV [ 0.003s] s.segv: killed by signal SIGSEGV\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		s, "\n    TIMEOUT [ 1.000s] s.slow: exceeded wall time limit "
		   "1.000 s\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "\n       SKIP [ 0.001s] s.skip: later\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\n  FLAKY 2/3 [ 0.100s] s.flaky\n"));
	/* No PASS lines without -v. */
	CU_ASSERT_PTR_NULL(strstr(s, "PASS "));
	free(s);
}

/* With retries the column fits "TRY 3 " before the widest word. */
static void test_tries_column(void)
{
	char *s;

	build();
	max_tries = 3;
	s = render(PYN__CONSOLE_PLAIN, 0, false);
	max_tries = 1;
	CU_ASSERT_PTR_NOT_NULL(strstr(
		s, "             FAIL [ 0.012s] s.bad: t.c:3: CU_ASSERT(0)\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "\n        FLAKY 2/3 [ 0.100s] s.flaky\n"));
	free(s);
}

static void test_verbose_and_quiet(void)
{
	char *s;

	build();
	s = render(PYN__CONSOLE_PLAIN, 1, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "       PASS [ 0.500s] s.ok\n"));
	free(s);
	s = render(PYN__CONSOLE_PLAIN, -1, false);
	/* -q: what did not meet its expectation, then the closing line. */
	CU_ASSERT_STRING_EQUAL(
		s,
		"FAIL s.bad: t.c:3: CU_ASSERT(0)\n"
		"SIGSEGV s.segv: killed by signal SIGSEGV\n"
		"TIMEOUT s.slow: exceeded wall time limit 1.000 s\n" CLOSING);
	free(s);
}

static void test_summary(void)
{
	char *s;

	build();
	s = render(PYN__CONSOLE_PLAIN, 0, false);
	CU_ASSERT_STRING_EQUAL(last_line(s), CLOSING);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "--- FAIL s.bad: t.c:3: CU_ASSERT(0)\n"));
	/* The tail: the last 10 lines of 12. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "stdout (last lines):\n      l3\n"));
	CU_ASSERT_PTR_NULL(strstr(s, "      l2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "      l12\n"));
	/* By default only tests of 1 s and more. */
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "Slowest (1 s and more):\n     1.000s  s.slow\n\n"));
	free(s);
	/* --durations N: the N slowest, whatever they took. */
	s = render_durations(3);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Slowest 3:\n     1.000s  s.slow\n"
					 "     0.500s  s.ok\n"
					 "     0.100s  s.flaky\n\n"));
	free(s);
	/* Nothing slow: no list at all. */
	report.n_entries = 2;
	s = render(PYN__CONSOLE_PLAIN, 0, false);
	CU_ASSERT_PTR_NULL(strstr(s, "Slowest"));
	free(s);
}

static void test_colour(void)
{
	char *s;

	build();
	s = render(PYN__CONSOLE_PLAIN, 0, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\033[1m\033[31m       FAIL\033[0m"));
	/* The closing line stays plain even in colour. */
	CU_ASSERT_STRING_EQUAL(last_line(s), CLOSING);
	free(s);

	setenv("NO_COLOR", "1", 1);
	setenv("FORCE_COLOR", "1", 1);
	CU_ASSERT_FALSE(pyn__color_wanted("auto", 1));
	CU_ASSERT_TRUE(pyn__color_wanted("always", 1));
	unsetenv("NO_COLOR");
	CU_ASSERT_TRUE(pyn__color_wanted("auto", -1));
	CU_ASSERT_FALSE(pyn__color_wanted("never", -1));
	unsetenv("FORCE_COLOR");
	setenv("NO_COLOR", "", 1); /* empty means unset (no-color.org) */
	CU_ASSERT_FALSE(pyn__color_wanted("auto", -1)); /* not a tty */
	setenv("CLICOLOR_FORCE", "1", 1);
	CU_ASSERT_TRUE(pyn__color_wanted("auto", -1));
	unsetenv("CLICOLOR_FORCE");
	unsetenv("NO_COLOR");
}

static void test_tty_progress(void)
{
	char *s;

	build();
	s = render(PYN__CONSOLE_TTY, 0, false);
	/* The progress line is redrawn in place and names running tests. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\r\033[K[0/6 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "s.ok"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "\r\033[K       FAIL [ 0.012s] s.bad"));
	/* Counts so far on the progress line. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "] 1 passed, 1 failed | "));
	CU_ASSERT_STRING_EQUAL(last_line(s), CLOSING);
	free(s);
	/* No terminal to ask: $COLUMNS; a progress line never wraps. */
	setenv("COLUMNS", "30", 1);
	s = render(PYN__CONSOLE_TTY, 0, false);
	unsetenv("COLUMNS");
	for (const char *p = strstr(s, "\r\033[K["); p;
	     p = strstr(p + 1, "\r\033[K[")) {
		size_t n = strcspn(p + 4, "\r\n");

		CU_ASSERT(n <= 29);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "...\r"));
	free(s);
}

static void test_leak_line(void)
{
	struct pyn__attempt *a;
	char *s;

	build();
	a = add("s.leaky", PYN_OUTCOME_PASS, 0.25, "");
	a->result.leftover_processes = 2;
	s = render(PYN__CONSOLE_PLAIN, 0, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		s,
		"       LEAK [ 0.250s] s.leaky: left 2 processes running (killed)\n"));
	/* Still a pass. */
	CU_ASSERT_STRING_EQUAL(
		last_line(s),
		"7 tests in 2.345s: 3 passed, 3 failed, 1 skipped; 1 flaky\n");
	free(s);
}

/* not_run (SPEC §3): its own word and count, never a failure. */
static void test_not_run(void)
{
	char *s;

	build();
	add("s.later", PYN_OUTCOME_NOT_RUN, 0, "the run was stopped");
	s = render(PYN__CONSOLE_PLAIN, 0, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		s, "    NOT-RUN [ 0.000s] s.later: the run was stopped\n"));
	CU_ASSERT_PTR_NULL(strstr(s, "--- NOT-RUN"));
	CU_ASSERT_STRING_EQUAL(
		last_line(s),
		"7 tests in 2.345s: 2 passed, 3 failed, 1 skipped, "
		"1 not run; 1 flaky\n");
	free(s);
}

/* expect: fail, met: an expected failure, never "passed" and "FAIL". */
static void test_expected(void)
{
	struct pyn__attempt *a;
	char *s;

	build();
	a = add("s.xf", PYN_OUTCOME_PASS, 0.004, "");
	a->result.outcome = PYN_OUTCOME_FAIL;
	a = add("s.xs", PYN_OUTCOME_PASS, 0.004, "");
	a->result.outcome = PYN_OUTCOME_SKIPPED;
	s = render(PYN__CONSOLE_PLAIN, 1, false);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "\n   EXPECTED [ 0.004s] s.xf: fail, as expected\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		s, "\n       SKIP [ 0.004s] s.xs: skipped, as expected\n"));
	CU_ASSERT_STRING_EQUAL(
		last_line(s),
		"8 tests in 2.345s: 2 passed, 3 failed, 2 skipped, "
		"1 expected failure; 1 flaky\n");
	free(s);
}

static CU_TestInfo console_tests[] = {
	{ "plain mode prints a line per non-pass", test_plain_lines },
	{ "retries widen the word column", test_tries_column },
	{ "-v and -q", test_verbose_and_quiet },
	{ "summary, tails and slowest", test_summary },
	{ "colour choice", test_colour },
	{ "tty progress line", test_tty_progress },
	{ "a pass that left processes is a LEAK line", test_leak_line },
	{ "expected failures and skips", test_expected },
	{ "not_run: counted apart, never failed", test_not_run },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo console_suites[] = {
	{ "console", NULL, NULL, NULL, NULL, console_tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(console_suites)
