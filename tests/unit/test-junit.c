/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test-junit.c - the JUnit writer, from hand-built plan tests
 * and results: both flavours against their schemas (xmllint), escaping of
 * every byte class XML forbids, output cutting, counts, flaky/rerun
 * elements, and the atomic write.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schema.h"
#include "unit.h"

#include "runner/report/report.h"

static char dir[256];

static int suite_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pyn-test-junit-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int suite_clean(void)
{
	char cmd[300];

	if (getenv("PYN_KEEP_REPORTS")) { /* for a look at the reports */
		fprintf(stderr, "reports kept in %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A small world: plan tests and entries, built by hand. */
#define N_MAX 16
static struct pyn_plan_test tests[N_MAX];
static struct pyn_limits limits[N_MAX]; /* tests[i].limits */
static struct pyn__report_entry entries[N_MAX];
static struct pyn__attempt attempts[N_MAX][3];
static const char *suites[] = { "arith", "io" };
static struct pyn__report report;
static struct pyn_failure fails[2];

static struct pyn__attempt *add(const char *suite, const char *name,
				enum pyn_outcome outcome, const char *msg)
{
	size_t i = report.n_entries++;
	struct pyn_plan_test *t = &tests[i];
	struct pyn__attempt *a = &attempts[i][0];
	char id[128];

	memset(t, 0, sizeof(*t));
	snprintf(id, sizeof(id), "%s.%s", suite, name);
	t->id = strdup(id);
	t->suite = (char *)suite;
	t->name = strdup(name);
	t->order = i;
	limits[i] = (struct pyn_limits)PYN_LIMITS_INIT;
	limits[i].wall_time_s = 2;
	limits[i].memory_bytes = PYN_MiB(64);
	t->limits = &limits[i];
	t->file = "suite.yaml";
	t->line = (unsigned)(10 + i);
	memset(&entries[i], 0, sizeof(entries[i]));
	entries[i].test = t;
	entries[i].expected = "pass";
	memset(a, 0, sizeof(*a) * 3);
	a->result.outcome = outcome;
	a->result.wall_time_s = 0.001 * (double)(i + 1);
	a->result.cpu_time_s = 0.25;
	a->result.peak_memory_bytes = 123456;
	/* Borrowed strings: the test never releases its attempts. */
	a->result.message = (char *)msg;
	a->result.memory_provider = "rlimit";
	a->verdict = outcome;
	a->message = (char *)msg;
	entries[i].attempts = a;
	entries[i].n_attempts = 1;
	return a;
}

static void reset(void)
{
	for (size_t i = 0; i < report.n_entries; i++) {
		free(tests[i].id);
		free(tests[i].name);
	}
	memset(&report, 0, sizeof(report));
	report.entries = entries;
	report.suites = suites;
	report.n_suites = 2;
	report.start_epoch_s = 1767225600; /* 2026-01-01T00:00:00 */
	report.duration_s = 1.5;
}

/* One of each outcome, and a flaky and a never-passing retried test. */
static void build_all_outcomes(void)
{
	struct pyn__attempt *a;

	reset();
	add("arith", "passes", PYN_OUTCOME_PASS, "");
	a = add("arith", "fails", PYN_OUTCOME_FAIL,
		"t.c:12: CU_ASSERT(1 == 2)");
	a->result.n_failures = 2;
	a->result.n_kept = 2;
	a->result.failures = fails;
	snprintf(fails[0].file, 256, "t.c");
	fails[0].line = 12;
	snprintf(fails[0].condition, 512, "1 == 2");
	snprintf(fails[1].file, 256, "t.c");
	fails[1].line = 13;
	snprintf(fails[1].condition, 512, "x < y && y > z");
	a = add("arith", "crashes", PYN_OUTCOME_ERROR,
		"killed by signal SIGSEGV");
	a->result.term_signal = 11;
	a->result.error_type = "Signal";
	add("arith", "hangs", PYN_OUTCOME_WALL_TIMEOUT,
	    "exceeded wall time limit 0.500 s (killed at 0.503 s)");
	add("arith", "spins", PYN_OUTCOME_CPU_TIMEOUT,
	    "exceeded cpu time limit 1.000 s");
	add("io", "eats", PYN_OUTCOME_MEMORY_LIMIT,
	    "exceeded memory limit 64.0 MiB (peak 63.9 MiB)");
	add("io", "skips", PYN_OUTCOME_SKIPPED, "no network here");
	add("io", "stopped", PYN_OUTCOME_INTERRUPTED, "interrupted");
	/* Never started: no attempts at all. */
	add("io", "never_started", PYN_OUTCOME_PASS, "");
	entries[report.n_entries - 1].n_attempts = 0;
	/* Flaky: failed once, then passed. */
	a = add("io", "flaky", PYN_OUTCOME_FAIL, "first try failed");
	a[1].result.outcome = PYN_OUTCOME_PASS;
	a[1].verdict = PYN_OUTCOME_PASS;
	a[1].result.wall_time_s = 0.002;
	entries[report.n_entries - 1].n_attempts = 2;
	/* Never passing: crashed three times. */
	a = add("io", "broken", PYN_OUTCOME_ERROR, "killed by signal SIGABRT");
	a->result.term_signal = 6;
	a[1] = a[0];
	a[2] = a[0];
	entries[report.n_entries - 1].n_attempts = 3;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static char *write_report(const char *name, enum pyn__junit_flavor flavor,
			  char *path, size_t path_len)
{
	struct pyn_error err;

	snprintf(path, path_len, "%s/%s", dir, name);
	CU_ASSERT_EQUAL_FATAL(pyn__junit_write(&report, path, flavor, &err), 0);
	return slurp(path, NULL);
}

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
	{ "outcome elements", test_outcome_elements },
	{ "counts never overlap", test_counts_never_overlap },
	{ "not_run is <skipped message=\"not run: ...\">", test_not_run },
	{ "forbidden bytes are replaced", test_escaping },
	{ "names stay unique and visible", test_name_escaping },
	{ "output is cut with a marker", test_output_cut },
	{ "a failed write keeps the old report", test_atomic_write },
	{ "suites come from the tests", test_suite_from_entries },
	{ "leftover processes are a visible warning", test_leftover_warning },
	{ "junitparser reads it", test_junitparser_reads_it },
	/* A part (tests/runner.cmake): it skips without ../shared. */
	{ "junit10", test_junit10 },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo junit_suites[] = {
	{ "junit", suite_init, suite_clean, NULL, NULL, junit_tests },
	CU_SUITE_INFO_NULL,
};

PYN_UNIT_MAIN(junit_suites)
