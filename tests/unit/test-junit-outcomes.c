/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-junit-outcomes.c - what the JUnit writer's report says: the
 * element of each outcome, flaky and rerun elements, not_run, counts
 * that never overlap, suites taken from the tests, what junitparser
 * reads, and the atomic write that keeps the old report on a failure.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "junit_test.h"

static void test_outcome_elements(void)
{
	char path[512];
	char *xml;

	build_all_outcomes();
	xml = write_report("elements.xml", PYN__JUNIT_DEFAULT, path,
			   sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<failure type=\"AssertionFailure\" message=\"t.c:12: "
		     "CU_ASSERT(1 == 2)\">t.c:12: 1 == 2\nt.c:13: x &lt; y "
		     "&amp;&amp; y &gt; z\n</failure>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<error type=\"Signal\" message=\"killed by signal SIGSEGV\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<error type=\"WallTimeout\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<error type=\"CpuTimeout\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<error type=\"MemoryLimit\" message=\"exceeded memory limit 64.0 MiB (peak 63.9 MiB)\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<skipped message=\"no network here\">no network here</skipped>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<error type=\"Interrupted\" message=\"interrupted before it started\">"));
	/* Flaky: passes, with one flakyFailure; broken: error + 2 reruns. */
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<flakyFailure type=\"AssertionFailure\" message=\"first try failed\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<property name=\"pyntest.attempts\" value=\"3\"/>"));
	{
		const char *p = strstr(xml, "name=\"broken\"");
		int reruns = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		while ((p = strstr(p + 1, "<rerunError type=\"Signal\"")))
			reruns++;
		CU_ASSERT_EQUAL(reruns, 2);
	}
	free(xml);
}

/* not_run (SPEC §3): <skipped message="not run: why">, never a failure. */
static void test_not_run(void)
{
	char path[512];
	char *xml;

	build_all_outcomes();
	add("io", "later", PYN_OUTCOME_NOT_RUN, "the run was stopped");
	xml = write_report("not-run.xml", PYN__JUNIT_DEFAULT, path,
			   sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_EQUAL(default_invalid(path), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<skipped message=\"not run: the run was stopped\">not "
		     "run: the run was stopped</skipped>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<property name=\"pyntest.outcome\" value=\"not_run\"/>"));
	/* One more test, one more skipped; failures and errors as before. */
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<testsuites name=\"pyntest\" tests=\"12\" failures=\"1\" "
		     "errors=\"7\" skipped=\"2\" time=\"1.500\">"));
	free(xml);
	xml = write_report("not-run-strict.xml", PYN__JUNIT_STRICT, path,
			   sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_EQUAL(strict_invalid(path), 0);
	free(xml);
}

static void test_counts_never_overlap(void)
{
	char path[512];
	char *xml;

	build_all_outcomes();
	xml = write_report("counts.xml", PYN__JUNIT_DEFAULT, path,
			   sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	/* 11 tests: 2 pass (passes, flaky), 1 failure, 7 errors, 1 skipped. */
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<testsuites name=\"pyntest\" tests=\"11\" failures=\"1\" "
		     "errors=\"7\" skipped=\"1\" time=\"1.500\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<testsuite name=\"arith\" tests=\"5\" failures=\"1\" "
		     "errors=\"3\" skipped=\"0\" time=\"0.015\" "
		     "timestamp=\"2026-01-01T00:00:00\""));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(xml, "<testsuite name=\"io\" tests=\"6\" failures=\"0\" "
			    "errors=\"4\" skipped=\"1\""));
	free(xml);
	xml = write_report("counts-strict.xml", PYN__JUNIT_STRICT, path,
			   sizeof(path));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<testsuites name=\"pyntest\" tests=\"11\" failures=\"1\" "
		     "errors=\"7\" time=\"1.500\">"));
	free(xml);
}

static size_t count_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* A failure midway (a full disk, injected) leaves the old report intact. */
static void test_atomic_write(void)
{
	char path[512], *before, *after;
	struct pyn_error err;
	size_t files;

	build_all_outcomes();
	before = write_report("atomic.xml", PYN__JUNIT_DEFAULT, path,
			      sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(before);
	files = count_files();
	add("io", "one_more", PYN_OUTCOME_PASS, "");
	pyn__junit_fail_after = 700;
	CU_ASSERT_EQUAL(
		pyn__junit_write(&report, path, PYN__JUNIT_DEFAULT, &err),
		PYN_EIO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "No space left on device"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "atomic.xml"));
	after = slurp(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(after);
	CU_ASSERT_STRING_EQUAL(after, before);
	CU_ASSERT_EQUAL(count_files(), files); /* no temporary file left */
	/* The hook fires once; the next write succeeds and replaces it. */
	CU_ASSERT_EQUAL(
		pyn__junit_write(&report, path, PYN__JUNIT_DEFAULT, &err), 0);
	free(after);
	after = slurp(path, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(after, "one_more"));
	CU_ASSERT_EQUAL(count_files(), files);
	/* A directory that does not exist is an error naming the path. */
	CU_ASSERT_EQUAL(pyn__junit_write(&report, "/nonexistent-dir/r.xml",
					 PYN__JUNIT_DEFAULT, &err),
			PYN_EIO);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "/nonexistent-dir/r.xml"));
	free(before);
	free(after);
}

/* Suites come from the tests: one missing from report.suites still shows. */
static void test_suite_from_entries(void)
{
	char path[512];
	char *xml;

	reset();
	add("arith", "a", PYN_OUTCOME_PASS, "");
	add("imported", "b", PYN_OUTCOME_PASS, "");
	add("arith", "c", PYN_OUTCOME_PASS, "");
	xml = write_report("suites.xml", PYN__JUNIT_DEFAULT, path,
			   sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(xml, "<testsuite name=\"arith\" tests=\"2\""));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(xml, "<testsuite name=\"imported\" tests=\"1\""));
	CU_ASSERT(strstr(xml, "name=\"arith\"") <
		  strstr(xml, "name=\"imported\""));
	free(xml);
}

/* junitparser (Debian's python) reads the right counts and outcomes. */
static void test_junitparser_reads_it(void)
{
	char path[512], cmd[2048];
	char *xml;

	/* Debian's python3 and python3-junitparser: .ci/deps installs them. */
	CU_ASSERT_EQUAL_FATAL(access("/usr/bin/python3", X_OK), 0);
	build_all_outcomes();
	xml = write_report("jp.xml", PYN__JUNIT_DEFAULT, path, sizeof(path));
	free(xml);
	snprintf(
		cmd, sizeof(cmd),
		"/usr/bin/python3 -c '\n"
		"import sys\n"
		"from junitparser import JUnitXml, Failure, Error, Skipped\n"
		"x = JUnitXml.fromfile(sys.argv[1])\n"
		"got = {}\n"
		"for s in x:\n"
		"    for c in s:\n"
		"        got[c.name] = [type(r).__name__ + \":\" + str(r.type) for r in c.result]\n"
		"assert got[\"passes\"] == [], got\n"
		"assert got[\"fails\"] == [\"Failure:AssertionFailure\"], got\n"
		"assert got[\"crashes\"] == [\"Error:Signal\"], got\n"
		"assert got[\"hangs\"] == [\"Error:WallTimeout\"], got\n"
		"assert got[\"spins\"] == [\"Error:CpuTimeout\"], got\n"
		"assert got[\"eats\"] == [\"Error:MemoryLimit\"], got\n"
		"assert got[\"skips\"] == [\"Skipped:None\"], got\n"
		"assert got[\"never_started\"] == [\"Error:Interrupted\"], got\n"
		"assert len(got) == 11\n"
		"' '%s'",
		path);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static CU_TestInfo junit_tests[] = {
	{ "outcome elements", test_outcome_elements },
	{ "counts never overlap", test_counts_never_overlap },
	{ "not_run is <skipped message=\"not run: ...\">", test_not_run },
	{ "a failed write keeps the old report", test_atomic_write },
	{ "suites come from the tests", test_suite_from_entries },
	{ "junitparser reads it", test_junitparser_reads_it },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo junit_suites[] = {
	{ "junit-outcomes", suite_init, suite_clean, NULL, NULL, junit_tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(junit_suites)
