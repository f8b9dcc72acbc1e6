/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-base.c - the tables of base/: outcomes (every one has a
 * name, a JUnit element and type, console words; names round-trip),
 * signals, error codes, did-you-mean and isolation modes.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/isolation.h"
#include "base/outcome.h"
#include "base/signals.h"
#include "base/suggest.h"
#include "unit.h"

/* SPEC §3, written out again here: what each outcome becomes in JUnit. */
static const struct {
	enum pyn_outcome outcome;
	const char *name;
	enum pyn__junit_element element;
	const char *type;
	bool failed;
} spec[] = {
	{ PYN_OUTCOME_PASS, "pass", PYN__JUNIT_NONE, "", false },
	{ PYN_OUTCOME_FAIL, "fail", PYN__JUNIT_FAILURE, "AssertionFailure",
	  true },
	{ PYN_OUTCOME_ERROR, "error", PYN__JUNIT_ERROR, "", true },
	{ PYN_OUTCOME_WALL_TIMEOUT, "wall_timeout", PYN__JUNIT_ERROR,
	  "WallTimeout", true },
	{ PYN_OUTCOME_CPU_TIMEOUT, "cpu_timeout", PYN__JUNIT_ERROR,
	  "CpuTimeout", true },
	{ PYN_OUTCOME_MEMORY_LIMIT, "memory_limit", PYN__JUNIT_ERROR,
	  "MemoryLimit", true },
	{ PYN_OUTCOME_SKIPPED, "skipped", PYN__JUNIT_SKIPPED, "", false },
	{ PYN_OUTCOME_INTERRUPTED, "interrupted", PYN__JUNIT_ERROR,
	  "Interrupted", true },
	{ PYN_OUTCOME_NOT_RUN, "not_run", PYN__JUNIT_SKIPPED, "", false },
};

static void test_outcomes_complete(void)
{
	const struct pyn__outcome_info *info;
	int o, p;

	/* The enum, the count and SPEC §3 have the same outcomes. */
	CU_ASSERT_EQUAL_FATAL(PYN_OUTCOME_COUNT,
			      (int)(sizeof(spec) / sizeof(spec[0])));
	for (o = 0; o < PYN_OUTCOME_COUNT; o++) {
		info = pyn__outcome_info((enum pyn_outcome)o);
		CU_ASSERT_PTR_NOT_NULL_FATAL(info);
		CU_ASSERT(info->word && info->word[0]);
		CU_ASSERT(info->label && info->label[0]);
		CU_ASSERT(info->one && info->one[0]);
		CU_ASSERT(info->many && info->many[0]);
		CU_ASSERT(info->tone <= PYN__TONE_BAD);
		/* Names are unique, words too. */
		for (p = 0; p < o; p++) {
			CU_ASSERT_STRING_NOT_EQUAL(
				pyn_outcome_name((enum pyn_outcome)o),
				pyn_outcome_name((enum pyn_outcome)p));
			CU_ASSERT_STRING_NOT_EQUAL(
				info->word,
				pyn__outcome_info((enum pyn_outcome)p)->word);
		}
	}
	CU_ASSERT_PTR_NULL(pyn__outcome_info(PYN_OUTCOME_UNDECIDED));
	CU_ASSERT_PTR_NULL(pyn__outcome_info(PYN_OUTCOME_COUNT));
}

static void test_outcomes_spec(void)
{
	size_t i;

	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		enum pyn_outcome o = spec[i].outcome;
		const struct pyn__outcome_info *info = pyn__outcome_info(o);

		CU_ASSERT_STRING_EQUAL(pyn_outcome_name(o), spec[i].name);
		CU_ASSERT_EQUAL(info->element, spec[i].element);
		CU_ASSERT_STRING_EQUAL(pyn__outcome_type(o), spec[i].type);
		CU_ASSERT_EQUAL(pyn__outcome_is_failed(o), spec[i].failed);
	}
	/* An error's type is the evidence's: never one of the table's. */
	CU_ASSERT_PTR_NULL(pyn__outcome_info(PYN_OUTCOME_ERROR)->type);
	CU_ASSERT_STRING_EQUAL(PYN__TYPE_SIGNAL, "Signal");
	CU_ASSERT_STRING_EQUAL(PYN__TYPE_SETUP_ERROR, "SetupError");
	CU_ASSERT_STRING_EQUAL(PYN__NOT_RUN_PREFIX, "not run: ");
}

static void test_outcomes_round_trip(void)
{
	enum pyn_outcome got;
	int o;

	for (o = 0; o < PYN_OUTCOME_COUNT; o++) {
		got = PYN_OUTCOME_UNDECIDED;
		CU_ASSERT_EQUAL(
			pyn_outcome_parse(pyn_outcome_name((enum pyn_outcome)o),
					  &got),
			0);
		CU_ASSERT_EQUAL(got, o);
	}
	CU_ASSERT_EQUAL(pyn_outcome_parse("timeout", &got), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_outcome_parse("PASS", &got), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_outcome_parse(NULL, &got), PYN_EINVAL);
	CU_ASSERT_EQUAL(pyn_outcome_parse("pass", NULL), 0);
	CU_ASSERT_STRING_EQUAL(pyn_outcome_name(PYN_OUTCOME_UNDECIDED),
			       "undecided");
	CU_ASSERT_STRING_EQUAL(pyn_outcome_name((enum pyn_outcome)99),
			       "unknown");
}

static const char *nth(void *user, size_t i)
{
	static const char *const words[] = { "forkserver", "spawn", "fork",
					     NULL };

	(void)user;
	return words[i];
}

static void test_suggest(void)
{
	static const char *const keys[] = { "wall_time", "cpu_time", "memory",
					    NULL };

	CU_ASSERT_EQUAL(pyn__edit_distance("wal_time", "wall_time", 2), 1);
	CU_ASSERT_EQUAL(pyn__edit_distance("kitten", "sitting", 5), 3);
	CU_ASSERT_EQUAL(pyn__edit_distance("abc", "xyz", 1), 2);
	CU_ASSERT_STRING_EQUAL(pyn__suggest("cpu_tim", keys), "cpu_time");
	CU_ASSERT_STRING_EQUAL(pyn__suggest("MEMORY", keys), "memory");
	CU_ASSERT_PTR_NULL(pyn__suggest("timeout", keys));
	CU_ASSERT_PTR_NULL(pyn__suggest("cpu_tim", NULL));
	/* Short words: one edit only. */
	CU_ASSERT_STRING_EQUAL(pyn__suggest_in("frk", nth, NULL), "fork");
	CU_ASSERT_PTR_NULL(pyn__suggest_in("fr", nth, NULL));
	CU_ASSERT_STRING_EQUAL(pyn__suggest_in("forksever", nth, NULL),
			       "forkserver");
	CU_ASSERT_PTR_NULL(pyn__suggest_in(NULL, nth, NULL));
}

static void test_signals(void)
{
	static const int every[] = {
#define SIG_(n) SIG##n,
		PYN__SIGNAL_TABLE(SIG_)
#undef SIG_
	};
	char buf[32];
	size_t i;
	const char *name;

	/* Every named signal round-trips, in any spelling. */
	for (i = 0; i < sizeof(every) / sizeof(every[0]); i++) {
		name = pyn__signal_name(every[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(name);
		CU_ASSERT_EQUAL(strncmp(name, "SIG", 3), 0);
		CU_ASSERT_EQUAL(pyn__signal_parse(name), every[i]);
		CU_ASSERT_EQUAL(pyn__signal_parse(name + 3), every[i]);
		snprintf(buf, sizeof(buf), "%d", every[i]);
		CU_ASSERT_EQUAL(pyn__signal_parse(buf), every[i]);
	}
	CU_ASSERT_EQUAL(pyn__signal_parse("segv"), SIGSEGV);
	CU_ASSERT_EQUAL(pyn__signal_parse("SigSegv"), SIGSEGV);
	CU_ASSERT_EQUAL(pyn__signal_parse("kill"), SIGKILL);
	CU_ASSERT_EQUAL(pyn__signal_parse("SIGIOT"), SIGABRT);
	CU_ASSERT_STRING_EQUAL(pyn__signal_name(SIGABRT), "SIGABRT");
	CU_ASSERT_STRING_EQUAL(pyn__signal_name(SIGSTKFLT), "SIGSTKFLT");
	CU_ASSERT_EQUAL(pyn__signal_parse("64"), 64);
	CU_ASSERT_EQUAL(pyn__signal_parse("65"), -1);
	CU_ASSERT_EQUAL(pyn__signal_parse("0"), -1);
	CU_ASSERT_EQUAL(pyn__signal_parse("11x"), -1);
	CU_ASSERT_EQUAL(pyn__signal_parse(""), -1);
	CU_ASSERT_EQUAL(pyn__signal_parse("SIG"), -1);
	CU_ASSERT_EQUAL(pyn__signal_parse("SIGNOPE"), -1);
	CU_ASSERT_EQUAL(pyn__signal_parse(NULL), -1);
	CU_ASSERT_PTR_NULL(pyn__signal_name(200));
	CU_ASSERT_STRING_EQUAL(pyn__signal_text(200, buf, sizeof(buf)),
			       "signal 200");
	CU_ASSERT_STRING_EQUAL(pyn__signal_text(SIGXCPU, buf, sizeof(buf)),
			       "SIGXCPU");
	/* The list offered to did-you-mean: every name, then the aliases. */
	for (i = 0; pyn__signal_nth(NULL, i); i++)
		CU_ASSERT(pyn__signal_parse(pyn__signal_nth(NULL, i)) > 0);
	CU_ASSERT_EQUAL(i, sizeof(every) / sizeof(every[0]) + 1);
}

static void test_errors(void)
{
	static const int codes[] = {
#define CODE_(name, num, msg) PYN_E##name,
		PYN_ERROR_MAP(CODE_)
#undef CODE_
	};
	struct pyn_error err;
	char buf[256];
	size_t i, j;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		CU_ASSERT_STRING_NOT_EQUAL(pyn_strerror(codes[i]),
					   "unknown error");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(pyn_strerror(codes[i]),
						   pyn_strerror(codes[j]));
	}
	CU_ASSERT_STRING_EQUAL(pyn_strerror(-999), "unknown error");
	CU_ASSERT_EQUAL(pyn_error_set(NULL, PYN_EIO, NULL, 0, 0, "x"), PYN_EIO);
	CU_ASSERT_EQUAL(pyn_error_set(&err, PYN_EMANIFEST, "m.yaml", 3, 7,
				      "bad %s", "thing"),
			PYN_EMANIFEST);
	CU_ASSERT_STRING_EQUAL(pyn_error_format(&err, buf, sizeof(buf)),
			       "m.yaml:3:7: error: bad thing");
	pyn_error_set(&err, PYN_ENOMEM, NULL, 0, 0, NULL);
	CU_ASSERT_STRING_EQUAL(pyn_error_format(&err, buf, sizeof(buf)),
			       "error: out of memory");
}

static void test_isolation(void)
{
	const char *name;
	size_t i;

	for (i = 0; pyn__isolation_nth(NULL, i); i++) {
		name = pyn__isolation_nth(NULL, i);
		CU_ASSERT_STRING_EQUAL(
			pyn_isolation_name(
				(enum pyn_isolation)pyn__isolation_parse(name)),
			name);
	}
	CU_ASSERT_EQUAL(i, 3);
	CU_ASSERT_EQUAL(pyn__isolation_parse("fork"), PYN_ISOLATION_FORK);
	CU_ASSERT_EQUAL(pyn__isolation_parse("spawn"), PYN_ISOLATION_SPAWN);
	CU_ASSERT_EQUAL(pyn__isolation_parse("forkserver"),
			PYN_ISOLATION_FORKSERVER);
	CU_ASSERT_EQUAL(pyn__isolation_parse("default"), -1);
	CU_ASSERT_EQUAL(pyn__isolation_parse("Fork"), -1);
	CU_ASSERT_EQUAL(pyn__isolation_parse(NULL), -1);
	CU_ASSERT_STRING_EQUAL(pyn_isolation_name(PYN_ISOLATION_DEFAULT),
			       "default");
	CU_ASSERT_STRING_EQUAL(pyn_isolation_name((enum pyn_isolation)9),
			       "unknown");
	CU_ASSERT_EQUAL(PYN__LIBRARY_ISOLATION, PYN_ISOLATION_FORKSERVER);
}

static CU_TestInfo tests[] = {
	{ "outcomes: every one has a full row", test_outcomes_complete },
	{ "outcomes: JUnit element and type as SPEC §3", test_outcomes_spec },
	{ "outcomes: name -> enum -> name", test_outcomes_round_trip },
	{ "did-you-mean", test_suggest },
	{ "signals: names, aliases, numbers", test_signals },
	{ "error codes and messages", test_errors },
	{ "isolation modes by name", test_isolation },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "base", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(suites)
