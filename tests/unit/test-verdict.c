/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-verdict.c - expectations judged (runner/verdict.c):
 * met or not and the message saying both, the expectation in words, and
 * what an attempt counts as.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/verdict.h"
#include "unit.h"

static void test_expect_met(void)
{
	struct pyn_expect e = { PYN_EXPECT_OUTCOME, PYN_OUTCOME_MEMORY_LIMIT,
				0 };
	struct pyn_result r = PYN_RESULT_INIT;
	char why[256], buf[64];

	memset(&r, 0, sizeof(r));
	r.outcome = PYN_OUTCOME_PASS;
	CU_ASSERT_FALSE(pyn__expect_is_met(&e, &r, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "expected memory_limit, got pass");
	r.outcome = PYN_OUTCOME_MEMORY_LIMIT;
	CU_ASSERT_TRUE(pyn__expect_is_met(&e, &r, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(pyn__expect_describe(&e, buf, sizeof(buf)),
			       "memory_limit");

	e.kind = PYN_EXPECT_TIMEOUT;
	CU_ASSERT_STRING_EQUAL(pyn__expect_describe(&e, buf, sizeof(buf)),
			       "timeout");
	r.outcome = PYN_OUTCOME_WALL_TIMEOUT;
	CU_ASSERT_TRUE(pyn__expect_is_met(&e, &r, NULL, 0));
	r.outcome = PYN_OUTCOME_CPU_TIMEOUT;
	CU_ASSERT_TRUE(pyn__expect_is_met(&e, &r, NULL, 0));
	r.outcome = PYN_OUTCOME_FAIL;
	snprintf(r.message, sizeof(r.message), "CU_ASSERT(1 == 2) at t.c:3");
	CU_ASSERT_FALSE(pyn__expect_is_met(&e, &r, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(
		why, "expected timeout, got fail: CU_ASSERT(1 == 2) at t.c:3");
	r.message[0] = '\0';

	e.kind = PYN_EXPECT_SIGNAL;
	e.value = 11;
	CU_ASSERT_STRING_EQUAL(pyn__expect_describe(&e, buf, sizeof(buf)),
			       "signal SIGSEGV");
	r.outcome = PYN_OUTCOME_ERROR;
	r.term_signal = 11;
	CU_ASSERT_TRUE(pyn__expect_is_met(&e, &r, why, sizeof(why)));
	r.term_signal = 6;
	CU_ASSERT_FALSE(pyn__expect_is_met(&e, &r, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(
		why, "expected signal SIGSEGV, got error (signal SIGABRT)");
	/* A SIGSEGV that the memory limit explains is not a plain crash. */
	r.outcome = PYN_OUTCOME_MEMORY_LIMIT;
	r.term_signal = 11;
	CU_ASSERT_FALSE(pyn__expect_is_met(&e, &r, why, sizeof(why)));
	e.value = 77;
	CU_ASSERT_STRING_EQUAL(pyn__expect_describe(&e, buf, sizeof(buf)),
			       "signal 77");

	e.kind = PYN_EXPECT_EXIT_CODE;
	e.value = 3;
	CU_ASSERT_STRING_EQUAL(pyn__expect_describe(&e, buf, sizeof(buf)),
			       "exit code 3");
	r.term_signal = 0;
	r.outcome = PYN_OUTCOME_FAIL;
	r.exit_code = 3;
	CU_ASSERT_TRUE(pyn__expect_is_met(&e, &r, why, sizeof(why)));
	r.exit_code = 2;
	CU_ASSERT_FALSE(pyn__expect_is_met(&e, &r, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why,
			       "expected exit code 3, got fail (exit code 2)");
	r.outcome = PYN_OUTCOME_PASS;
	r.exit_code = 0;
	CU_ASSERT_FALSE(pyn__expect_is_met(&e, &r, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "expected exit code 3, got pass");
}

/* Decide one attempt whose result was `got` with `message`. */
static enum pyn_outcome decide(const struct pyn_expect *e, enum pyn_outcome got,
			       const char *message, bool met, const char *why,
			       char *shown, size_t len)
{
	struct pyn__attempt a;
	enum pyn_outcome v;

	memset(&a, 0, sizeof(a));
	a.result.outcome = got;
	a.result.message = strdup(message);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a.result.message);
	CU_ASSERT_EQUAL_FATAL(pyn__attempt_decide(&a, e, met, why), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a.message);
	snprintf(shown, len, "%s", a.message);
	v = a.verdict;
	pyn__attempt_release(&a);
	return v;
}

static void test_attempt_decide(void)
{
	struct pyn_expect pass = { PYN_EXPECT_OUTCOME, PYN_OUTCOME_PASS, 0 };
	struct pyn_expect segv = { PYN_EXPECT_SIGNAL, PYN_OUTCOME_ERROR, 11 };
	struct pyn_expect skip = { PYN_EXPECT_OUTCOME, PYN_OUTCOME_SKIPPED, 0 };
	char shown[256];

	/* The default expectation keeps the real outcome and message. */
	CU_ASSERT_EQUAL(decide(&pass, PYN_OUTCOME_FAIL, "t.c:3: CU_ASSERT(0)",
			       false, "expected pass, got fail", shown,
			       sizeof(shown)),
			PYN_OUTCOME_FAIL);
	CU_ASSERT_STRING_EQUAL(shown, "t.c:3: CU_ASSERT(0)");
	CU_ASSERT_EQUAL(decide(&pass, PYN_OUTCOME_ERROR, "killed", false, "",
			       shown, sizeof(shown)),
			PYN_OUTCOME_ERROR);

	/* Met: a pass that keeps what happened as its message. */
	CU_ASSERT_EQUAL(decide(&segv, PYN_OUTCOME_ERROR,
			       "killed by signal SIGSEGV", true, "", shown,
			       sizeof(shown)),
			PYN_OUTCOME_PASS);
	CU_ASSERT_STRING_EQUAL(shown, "killed by signal SIGSEGV");

	/* Unmet: a fail saying both; without a `why`, the result's. */
	CU_ASSERT_EQUAL(decide(&segv, PYN_OUTCOME_PASS, "", false,
			       "expected signal SIGSEGV, got pass", shown,
			       sizeof(shown)),
			PYN_OUTCOME_FAIL);
	CU_ASSERT_STRING_EQUAL(shown, "expected signal SIGSEGV, got pass");
	CU_ASSERT_EQUAL(decide(&segv, PYN_OUTCOME_WALL_TIMEOUT, "too slow",
			       false, NULL, shown, sizeof(shown)),
			PYN_OUTCOME_FAIL);
	CU_ASSERT_STRING_EQUAL(shown, "too slow");

	/* Stopped or never run: no expectation was tried. */
	CU_ASSERT_EQUAL(decide(&segv, PYN_OUTCOME_INTERRUPTED, "interrupted",
			       false,
			       "expected signal SIGSEGV, got interrupted",
			       shown, sizeof(shown)),
			PYN_OUTCOME_INTERRUPTED);
	CU_ASSERT_STRING_EQUAL(shown, "interrupted");
	CU_ASSERT_EQUAL(decide(&segv, PYN_OUTCOME_NOT_RUN, "", false,
			       "expected signal SIGSEGV, got not_run", shown,
			       sizeof(shown)),
			PYN_OUTCOME_NOT_RUN);
	CU_ASSERT_EQUAL(decide(&segv, PYN_OUTCOME_SKIPPED, "later", false,
			       "expected signal SIGSEGV, got skipped", shown,
			       sizeof(shown)),
			PYN_OUTCOME_SKIPPED);
	CU_ASSERT_STRING_EQUAL(shown, "later");
	/* ... unless skipping is what was expected. */
	CU_ASSERT_EQUAL(decide(&skip, PYN_OUTCOME_SKIPPED, "later", true, "",
			       shown, sizeof(shown)),
			PYN_OUTCOME_PASS);
}

static CU_TestInfo tests[] = {
	{ "expectations met or not, in words", test_expect_met },
	{ "what an attempt counts as", test_attempt_decide },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "verdict", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
