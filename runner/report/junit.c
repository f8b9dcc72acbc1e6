/* SPDX-License-Identifier: MIT */
/*
 * runner/report/junit.c - the JUnit XML report (SPEC §3).
 *
 * Two flavours: the default one adds testcase file/line and <properties>
 * (read by GitLab, GitHub reporters and the Jenkins JUnit plugin; the
 * project's runner/report/pyntest-junit.xsd describes it), and `strict`,
 * which validates against junit-10-xunit-plugin.xsd and moves the
 * measurements into the suite's <system-out>.
 *
 * Whatever a test printed, the report parses: every byte XML 1.0 forbids
 * (NUL, C0 controls but tab/LF/CR, invalid UTF-8, U+FFFE/U+FFFF) becomes
 * U+FFFD.  The file is written beside its final name and renamed over it,
 * so a reader never sees half a report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner/report/junit_internal.h"

size_t pyn__junit_fail_after;

struct tally {
	size_t tests, failures, errors, skipped;
	double time;
};

static void tally_add(struct tally *t, const struct pyn__report_entry *e)
{
	const struct pyn__attempt *a = pyn__entry_primary(e);
	enum pyn_outcome v = pyn__entry_verdict(e);

	t->tests++;
	if (pyn__junit_element(v) == PYN__JUNIT_FAILURE)
		t->failures++;
	else if (pyn__junit_element(v) == PYN__JUNIT_SKIPPED)
		t->skipped++;
	else if (pyn__junit_element(v) == PYN__JUNIT_ERROR)
		t->errors++;
	if (a)
		t->time += a->result.wall_time_s;
}

static void testsuite(struct pyn__junit_out *o, const struct pyn__report *r,
		      const char *suite, const char *stamp, const char *host)
{
	struct tally t = { 0 };

	for (size_t i = 0; i < r->n_entries; i++)
		if (!strcmp(r->entries[i].test->suite, suite))
			tally_add(&t, &r->entries[i]);
	if (!t.tests)
		return;
	pyn__junit_puts(o, "  <testsuite");
	pyn__junit_name_attr(o, "name", suite);
	pyn__junit_printf(o,
			  " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
			  "skipped=\"%zu\" time=\"%.3f\"",
			  t.tests, t.failures, t.errors, t.skipped, t.time);
	pyn__junit_attr(o, "timestamp", stamp);
	pyn__junit_attr(o, "hostname", host);
	pyn__junit_puts(o, ">\n    <properties>\n");
	pyn__junit_property(o, "      ", "pyntest.version", PYN_VERSION_STRING);
	if (r->shard)
		pyn__junit_property(o, "      ", "pyntest.shard", r->shard);
	pyn__junit_puts(o, "    </properties>\n");
	for (size_t i = 0; i < r->n_entries; i++)
		if (!strcmp(r->entries[i].test->suite, suite))
			pyn__junit_testcase(o, &r->entries[i]);
	if (o->flavor == PYN__JUNIT_STRICT) {
		pyn__junit_puts(o, "    <system-out>");
		for (size_t i = 0; i < r->n_entries; i++)
			if (!strcmp(r->entries[i].test->suite, suite))
				pyn__junit_measurement_line(o, &r->entries[i]);
		pyn__junit_puts(o, "</system-out>\n");
	}
	pyn__junit_puts(o, "  </testsuite>\n");
}

static int write_all(const struct pyn__report *r, struct pyn__junit_out *o)
{
	struct tally all = { 0 };
	const char **names;
	size_t n_names = 0;
	char stamp[32], host[256];
	time_t when = (time_t)r->start_epoch_s;
	struct tm tm;

	if (!gmtime_r(&when, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(stamp, sizeof(stamp), "1970-01-01T00:00:00");
	if (gethostname(host, sizeof(host)) || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';

	for (size_t i = 0; i < r->n_entries; i++)
		tally_add(&all, &r->entries[i]);
	pyn__junit_puts(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	pyn__junit_printf(
		o,
		"<testsuites name=\"pyntest\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"%zu\"",
		all.tests, all.failures, all.errors);
	if (o->flavor == PYN__JUNIT_DEFAULT)
		pyn__junit_printf(o, " skipped=\"%zu\"", all.skipped);
	pyn__junit_printf(o, " time=\"%.3f\">\n",
			  r->duration_s > 0 ? r->duration_s : 0.0);
	/* Read by `pyntest merge`, even when this shard ran no test. */
	if (r->shard)
		pyn__junit_printf(o, "  <!-- pyntest.shard=%s -->\n", r->shard);
	/*
	 * Suites in order of their first test, from the entries themselves:
	 * a test is never left out because its suite (say, an imported CUnit
	 * suite's own name) is missing from the plan's list.
	 */
	names = calloc(r->n_entries ? r->n_entries : 1, sizeof(*names));
	if (!names)
		return ENOMEM;
	for (size_t i = 0; i < r->n_entries; i++) {
		const char *suite = r->entries[i].test->suite;
		size_t k = n_names;

		if (n_names && !strcmp(names[n_names - 1], suite))
			continue;
		for (k = 0; k < n_names; k++)
			if (!strcmp(names[k], suite))
				break;
		if (k == n_names)
			names[n_names++] = suite;
	}
	for (size_t k = 0; k < n_names; k++)
		testsuite(o, r, names[k], stamp, host);
	free(names);
	pyn__junit_puts(o, "</testsuites>\n");
	return o->error;
}

int pyn__junit_write_stream(const struct pyn__report *r, FILE *f,
			    enum pyn__junit_flavor flavor,
			    struct pyn_error *err)
{
	struct pyn__junit_out o = { .f = f, .flavor = flavor };

	if (write_all(r, &o) || fflush(f))
		return pyn__report_error(err, PYN_EIO,
					 "cannot write JUnit report: %s",
					 strerror(o.error ? o.error : errno));
	return 0;
}

struct junit_job {
	const struct pyn__report *r;
	enum pyn__junit_flavor flavor;
	size_t fail_after;
};

static int write_junit(FILE *f, void *user)
{
	const struct junit_job *j = user;
	struct pyn__junit_out o = { .f = f,
				    .flavor = j->flavor,
				    .fail_after = j->fail_after };

	return write_all(j->r, &o);
}

int pyn__junit_write(const struct pyn__report *r, const char *path,
		     enum pyn__junit_flavor flavor, struct pyn_error *err)
{
	struct junit_job j = { .r = r,
			       .flavor = flavor,
			       .fail_after = pyn__junit_fail_after };

	pyn__junit_fail_after = 0;
	return pyn__report_write_atomic(path, "JUnit report", write_junit, &j,
					err);
}
