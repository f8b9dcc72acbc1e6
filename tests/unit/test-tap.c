/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-tap.c - the TAP writer (runner/report/tap.c) on entries
 * built by hand: escapes in ids and diagnostics, directives, the output
 * tail, not-run lines at the end.  The real program's TAP is e2e.formats.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "runner/report/stream.h"

static struct pyn_plan_test test;
static struct pyn__attempt attempt;
static struct pyn__report_entry entry;

static void one(const char *id, enum pyn_outcome outcome,
		enum pyn_outcome verdict, const char *msg)
{
	memset(&test, 0, sizeof(test));
	memset(&attempt, 0, sizeof(attempt));
	memset(&entry, 0, sizeof(entry));
	test.id = (char *)id;
	test.expect.kind = PYN_EXPECT_OUTCOME;
	test.expect.outcome = PYN_OUTCOME_PASS;
	attempt.result.outcome = outcome;
	attempt.result.peak_memory_bytes = -1;
	attempt.verdict = verdict;
	attempt.message = (char *)msg; /* borrowed */
	entry.test = &test;
	entry.attempts = &attempt;
	entry.n_attempts = 1;
	entry.expected = "pass";
}

__attribute__((noinline)) static char *render(size_t number)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	pyn__tap_write_entry(f, number, &entry);
	fclose(f);
	return buf;
}

static void test_escapes(void)
{
	char *s;

	one("s.a#b\\c", PYN_OUTCOME_FAIL, PYN_OUTCOME_FAIL,
	    "line1\nline2 \"q\" \x01 \xff end");
	test.file = "dir \"x\"/m.yaml";
	test.line = 7;
	s = render(3);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  at: \"dir \\\"x\\\"/m.yaml:7\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "not ok 3 - s.a\\#b\\\\c\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		s,
		"  message: \"line1\\nline2 \\\"q\\\" \\u0001 \\ufffd end\"\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  ---\n"));
	CU_ASSERT_STRING_EQUAL(s + strlen(s) - 6, "  ...\n");
	free(s);
}

static void test_directives(void)
{
	char *s;

	one("s.skip", PYN_OUTCOME_SKIPPED, PYN_OUTCOME_SKIPPED, "no GPU\nhere");
	s = render(1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "ok 1 - s.skip # SKIP no GPU here\n"));
	free(s);

	one("s.xf", PYN_OUTCOME_FAIL, PYN_OUTCOME_PASS, "boom");
	test.expect.outcome = PYN_OUTCOME_FAIL;
	entry.expected = "fail";
	s = render(2);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "not ok 2 - s.xf # TODO expected fail\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  verdict: pass\n"));
	free(s);

	/* expect: fail, and it passed: a plain failure, no TODO. */
	one("s.xp", PYN_OUTCOME_PASS, PYN_OUTCOME_FAIL, "expected fail");
	test.expect.outcome = PYN_OUTCOME_FAIL;
	s = render(3);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "not ok 3 - s.xp\n"));
	free(s);

	one("s.slow", PYN_OUTCOME_WALL_TIMEOUT, PYN_OUTCOME_WALL_TIMEOUT,
	    "exceeded");
	s = render(4);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "not ok 4 - s.slow\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  limit: wall_time\n"));
	free(s);

	one("s.nr", PYN_OUTCOME_NOT_RUN, PYN_OUTCOME_NOT_RUN,
	    "not run: stopped by -x");
	s = render(5);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(s, "ok 5 - s.nr # SKIP not run: stopped by -x\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  outcome: not_run\n"));
	free(s);
}

static void test_output_tail(void)
{
	static char big[10000];
	char *s, *p;

	memset(big, 'x', sizeof(big));
	memcpy(big + sizeof(big) - 4, "END\n", 4);
	one("s.noisy", PYN_OUTCOME_FAIL, PYN_OUTCOME_FAIL, "m");
	attempt.result.out = big;
	attempt.result.out_len = sizeof(big);
	s = render(1);
	p = strstr(s, "  stdout: \"[...] ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "END\\n\"\n"));
	CU_ASSERT(strlen(p) < 4200);
	free(s);

	/* A pass keeps its output out of the TAP. */
	one("s.ok", PYN_OUTCOME_PASS, PYN_OUTCOME_PASS, "");
	attempt.result.out = big;
	attempt.result.out_len = sizeof(big);
	s = render(1);
	CU_ASSERT_PTR_NULL(strstr(s, "stdout"));
	free(s);
}

/* Tests the scheduler never reached get their lines at the end. */
static void test_end_fills_the_plan(void)
{
	struct pyn_plan_test pts[2];
	struct pyn__report_entry es[2];
	struct pyn_plan plan;
	struct pyn__report r;
	struct pyn__tap t;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	memset(pts, 0, sizeof(pts));
	memset(es, 0, sizeof(es));
	memset(&plan, 0, sizeof(plan));
	memset(&r, 0, sizeof(r));
	pts[0].id = "s.first";
	pts[1].id = "s.second";
	plan.tests = pts;
	plan.n_tests = 2;
	es[0].test = &pts[0];
	es[1].test = &pts[1];
	r.entries = es;
	r.n_entries = 2;
	CU_ASSERT_EQUAL_FATAL(pyn__tap_begin(&t, f, &plan, 14), 0);
	one("s.second", PYN_OUTCOME_PASS, PYN_OUTCOME_PASS, "");
	es[1].attempts = &attempt;
	es[1].n_attempts = 1;
	test = pts[1];
	t.listener.finished(t.listener.user, &es[1]);
	pyn__tap_end(&t, &r, true);
	pyn__tap_release(&t);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "TAP version 14\n1..2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "ok 1 - s.second\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "ok 2 - s.first # SKIP not run\n"));
	CU_ASSERT_STRING_EQUAL(buf + len - 34,
			       "Bail out! pyntest was interrupted\n");
	free(buf);
}

static CU_TestInfo tap_tests[] = {
	{ "ids and diagnostics escaped", test_escapes },
	{ "SKIP, TODO and plain not ok", test_directives },
	{ "a failure's output: its tail only", test_output_tail },
	{ "end: every planned test has a line", test_end_fills_the_plan },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo tap_suites[] = {
	{ "tap", NULL, NULL, NULL, NULL, tap_tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(tap_suites)
