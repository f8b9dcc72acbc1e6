/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-junit-valid.c - the JUnit writer's reports are valid: both
 * flavours against their schemas (xmllint), every byte class XML
 * forbids replaced, names kept unique and visible, output cut with a
 * marker, leftover processes as a warning.  The part junit10 checks the
 * same reports against the third-party junit-10 schema too.
 */
#include <stdlib.h>
#include <string.h>

#include "junit_test.h"

static void test_default_flavour_validates(void)
{
	char path[512];
	char *xml;

	build_all_outcomes();
	xml = write_report("default.xml", PYN__JUNIT_DEFAULT, path,
			   sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	/* Valid, and it uses the extensions: the strict schemas refuse it. */
	CU_ASSERT_EQUAL(default_invalid(path), 0);
	CU_ASSERT_NOT_EQUAL(xmllint(PYN_STRICT_XSD, path), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "file=\"suite.yaml\" line=\"11\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<property name=\"pyntest.outcome\" value=\"cpu_timeout\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<property name=\"pyntest.limit.memory_bytes\" value=\"67108864\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<property name=\"pyntest.limit.wall_time_s\" value=\"2.000\"/>"));
	CU_ASSERT_PTR_NULL(strstr(xml, "pyntest.limit.cpu_time_s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<property name=\"pyntest.memory_provider\" value=\"rlimit\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<property name=\"pyntest.signal\" value=\"SIGSEGV\"/>"));
	/* Where it started, for `pyntest merge --html`'s timeline. */
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<property name=\"pyntest.start_s\" value=\"0.000\"/>"));
	free(xml);
}

static void test_strict_flavour_validates(void)
{
	char path[512];
	char *xml;

	build_all_outcomes();
	xml = write_report("strict.xml", PYN__JUNIT_STRICT, path, sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_EQUAL(strict_invalid(path), 0);
	CU_ASSERT_PTR_NULL(strstr(
		xml,
		"<testcase classname=\"arith\" name=\"passes\" time=\"0.001\" file="));
	CU_ASSERT_PTR_NULL(strstr(xml, "pyntest.outcome"));
	CU_ASSERT_PTR_NULL(strstr(xml, " line=\""));
	/* The measurements moved to the suite's system-out, a line a test. */
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"arith.spins: outcome=cpu_timeout expected=pass "
		"wall_time_s=0.005 cpu_time_s=0.250 peak_memory_bytes=123456 "
		"limit.wall_time_s=2.000 limit.memory_bytes=67108864 "
		"memory_provider=rlimit start_s=0.000\n"));
	free(xml);
}

/*
 * Every byte class XML 1.0 forbids comes out as U+FFFD; what it allows
 * passes through; the file parses and validates.
 */
static void test_escaping(void)
{
	static const char out[] =
		"nul[\0] soh[\x01] esc[\x1b] us[\x1f] tab[\t] "
		"lone-cont[\x80] ff[\xff] overlong[\xc0\xaf] "
		"cut3[\xe2\x82] surrogate[\xed\xa0\x80] fffe[\xef\xbf\xbe] "
		"ffff[\xef\xbf\xbf] big[\xf4\x90\x80\x80] "
		"ok[\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80] amp[&<>\"'] cr[\r]\n";
	char path[512];
	struct pyn__attempt *a;
	char *xml;

	reset();
	a = add("arith", "prints <junk> & \"quotes\"", PYN_OUTCOME_FAIL,
		"bad \x01 message\nsecond line\ttab");
	a->result.out = (char *)out;
	a->result.out_len = sizeof(out) - 1;
	a->result.out_total = sizeof(out) - 1;
	a->result.err = (char *)"\x02\x03";
	a->result.err_len = 2;
	a->result.err_total = 2;
	xml = write_report("escape.xml", PYN__JUNIT_DEFAULT, path,
			   sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_EQUAL(xmllint(NULL, path), 0);
	CU_ASSERT_EQUAL(default_invalid(path), 0);
#define R "\xef\xbf\xbd"
	CU_ASSERT_PTR_NOT_NULL(
		strstr(xml, "<system-out>nul[" R "] soh[" R "] esc[" R "] us[" R
			    "] tab[\t] lone-cont[" R "] ff[" R "] overlong[" R R
			    "] cut3[" R R "] surrogate[" R R R "] fffe[" R R R
			    "] ffff[" R R R "] big[" R R R R "] "
			    "ok[\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80] "
			    "amp[&amp;&lt;&gt;\"'] cr[&#13;]\n</system-out>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(xml, "<system-err>" R R "</system-err>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "name=\"prints &lt;junk&gt; &amp; &quot;quotes&quot;\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "message=\"bad " R " message&#10;second line&#9;tab\""));
#undef R
	free(xml);
	xml = write_report("escape-strict.xml", PYN__JUNIT_STRICT, path,
			   sizeof(path));
	CU_ASSERT_EQUAL(strict_invalid(path), 0);
	free(xml);
}

/*
 * Names imported from CUnit may hold any byte; U+FFFD for each would make
 * "x\1y" and "x\2y" one testcase.  They read \xHH instead, and every name
 * stays a different name (SPEC §3: classname+name pairs are unique).
 */
static void test_name_escaping(void)
{
	static const struct {
		const char *name, *shown;
	} cases[] = {
		{ "x\x01y", "name=\"x\\x01y\"" },
		{ "x\x02y", "name=\"x\\x02y\"" },
		{ "a\nb", "name=\"a\\x0ab\"" },
		{ "tab\there", "name=\"tab\\x09here\"" },
		{ "del\x7f", "name=\"del\\x7f\"" },
		{ "bad\xff utf8", "name=\"bad\\xff utf8\"" },
		/* Plain backslashes stay as written... */
		{ "C:\\dir", "name=\"C:\\dir\"" },
		/* ...but not where they would read as an escape. */
		{ "lit\\x01y", "name=\"lit\\\\x01y\"" },
		{ "two\\\\", "name=\"two\\\\\\\"" },
		{ "bs\\\x01", "name=\"bs\\\\\\x01\"" },
		{ "caf\xc3\xa9 <&>", "name=\"caf\xc3\xa9 &lt;&amp;&gt;\"" },
	};
	size_t n = sizeof(cases) / sizeof(cases[0]);
	char path[512];
	char *xml;

	reset();
	for (size_t i = 0; i < n; i++)
		add("arith", cases[i].name, PYN_OUTCOME_PASS, "");
	xml = write_report("names.xml", PYN__JUNIT_DEFAULT, path, sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_EQUAL(default_invalid(path), 0);
	for (size_t i = 0; i < n; i++) {
		if (!strstr(xml, cases[i].shown))
			fprintf(stderr, "\n  missing: %s\n", cases[i].shown);
		CU_ASSERT_PTR_NOT_NULL(strstr(xml, cases[i].shown));
	}
	CU_ASSERT_PTR_NULL(strstr(xml, "\xef\xbf\xbd"));
	free(xml);
	xml = write_report("names-strict.xml", PYN__JUNIT_STRICT, path,
			   sizeof(path));
	CU_ASSERT_EQUAL(strict_invalid(path), 0);
	free(xml);
	reset();
}

static void test_output_cut(void)
{
	char path[512], *big, *xml;
	struct pyn__attempt *a;

	reset();
	big = malloc(3000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'x', 3000);
	big[1023] = 'A'; /* the last byte kept */
	big[1024] = 'B'; /* the first byte cut */
	a = add("arith", "chatty", PYN_OUTCOME_PASS, "");
	limits[0].output_limit = 1024;
	a->result.out = big;
	a->result.out_len = 3000;
	a->result.out_total = 3000;
	/* The engine already cut this one: 100 bytes kept of 3.2 MiB. */
	a->result.err = big;
	a->result.err_len = 100;
	a->result.err_total = 3355443;
	xml = write_report("cut.xml", PYN__JUNIT_DEFAULT, path, sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"xA\n[pyntest: output cut at 1.0 KiB of 2.9 KiB]</system-out>"));
	CU_ASSERT_PTR_NULL(strstr(xml, "AB"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"\n[pyntest: output cut at 100 B of 3.2 MiB]</system-err>"));
	CU_ASSERT_EQUAL(default_invalid(path), 0);
	free(xml);
	free(big);
}

/* Processes left behind: a property and a visible line in system-err. */
static void test_leftover_warning(void)
{
	char path[512];
	struct pyn__attempt *a;
	char *xml;

	reset();
	a = add("arith", "leaks", PYN_OUTCOME_PASS, "");
	a->result.leftover_processes = 3;
	a->result.err = "bye";
	a->result.err_len = 3;
	a->result.err_total = 3;
	a = add("arith", "leaks_one", PYN_OUTCOME_PASS, "");
	a->result.leftover_processes = 1;
	xml = write_report("leak.xml", PYN__JUNIT_DEFAULT, path, sizeof(path));
	CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml,
		"<property name=\"pyntest.leftover_processes\" value=\"3\"/>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<system-err>bye\n[pyntest: warning: the test left 3 "
		     "processes running; pyntest killed them]</system-err>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		xml, "<system-err>[pyntest: warning: the test left 1 process "
		     "running; pyntest killed it]</system-err>"));
	CU_ASSERT_EQUAL(default_invalid(path), 0);
	free(xml);
}

/* The part junit10: the reports above against junit-10 too. */
static void test_junit10(void)
{
	if (!junit10_part())
		return;
	test_default_flavour_validates();
	test_strict_flavour_validates();
	test_escaping();
	test_name_escaping();
	test_output_cut();
	test_leftover_warning();
}

static CU_TestInfo junit_tests[] = {
	{ "default flavour validates against pyntest-junit.xsd",
	  test_default_flavour_validates },
	{ "strict flavour validates against pyntest-junit-strict.xsd",
	  test_strict_flavour_validates },
	{ "forbidden bytes are replaced", test_escaping },
	{ "names stay unique and visible", test_name_escaping },
	{ "output is cut with a marker", test_output_cut },
	{ "leftover processes are a visible warning", test_leftover_warning },
	/* A part (tests/runner.cmake): it skips without ../shared. */
	{ "junit10", test_junit10 },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo junit_suites[] = {
	{ "junit-valid", suite_init, suite_clean, NULL, NULL, junit_tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(junit_suites)
