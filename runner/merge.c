/* SPDX-License-Identifier: MIT */
/*
 * runner/merge.c - `pyntest merge`: the JUnit reports of a sharded run's
 * machines -> one JUnit report.
 *
 *   pyntest merge [-o OUT.xml] [--html OUT.html] REPORT.xml...
 *
 * Each <testcase> is copied byte for byte, so both flavours (and other
 * tools' JUnit) merge as written; <testsuite>s of one name become one,
 * their counts taken again from the testcases (tests, failures, errors,
 * skipped) and their times added.  pyntest's shard reports say which
 * shard they are (a `pyntest.shard=I/N` comment, written even when a
 * shard selected no test): a shard given twice or missing, or a test in
 * two reports, is named and nothing is written (exit 1).  Unreadable or
 * broken input is a usage error (exit 4).
 *
 * Here the command line and the sequence; the reading and checking in
 * merge_read.c, the writing in merge_write.c (merge_internal.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cli.h"
#include "runner/merge.h"
#include "runner/merge_internal.h"
#include "runner/report/report.h"

void pyn__merge_say(const char *fmt, ...)
{
	va_list ap;

	fputs("pyntest merge: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fputs("Usage: pyntest merge [-o OUT.xml] [--html OUT.html] REPORT.xml...\n"
	      "Merge the JUnit reports of a sharded run into one (stdout\n"
	      "without -o or --html), and with --html into one HTML report with\n"
	      "a timeline lane per shard.  A test in two reports, or a shard\n"
	      "given twice or missing, is named and nothing is written (exit 1).\n",
	      f);
}

int pyn__merge_main(int argc, char **argv)
{
	struct pyn__merge m = { 0 };
	const char *out = NULL, *html = NULL;
	struct pyn_error err;
	int status = PYN__EXIT_USAGE;

	m.in = calloc((size_t)argc + 1, sizeof(*m.in));
	if (!m.in)
		return PYN__EXIT_INTERNAL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			status = PYN__EXIT_OK;
			goto out;
		}
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--junit-xml")) {
			if (++i == argc) {
				pyn__merge_say("option '%s' needs a path",
					       argv[i - 1]);
				goto out;
			}
			out = argv[i];
			continue;
		}
		if (!strcmp(argv[i], "--html")) {
			if (++i == argc) {
				pyn__merge_say("option '%s' needs a path",
					       argv[i - 1]);
				goto out;
			}
			html = argv[i];
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1]) {
			pyn__merge_say("unknown option '%s'", argv[i]);
			usage(stderr);
			goto out;
		}
		m.in[m.n_in++].path = argv[i];
	}
	if (!m.n_in) {
		pyn__merge_say("no report to merge");
		usage(stderr);
		goto out;
	}
	for (size_t i = 0; i < m.n_in; i++) {
		const char *o = out && !strcmp(out, m.in[i].path)   ? out :
				html && !strcmp(html, m.in[i].path) ? html :
								      NULL;

		if (o) {
			pyn__merge_say(
				"'%s' is both a report to merge and the output",
				o);
			goto out;
		}
	}
	for (size_t i = 0; i < m.n_in; i++) {
		int rc = pyn__merge_read_input(&m, &m.in[i]);

		if (rc) {
			if (rc == PYN_ENOMEM)
				pyn__merge_say("out of memory");
			status = rc == PYN_ENOMEM ? PYN__EXIT_INTERNAL :
						    PYN__EXIT_USAGE;
			goto out;
		}
	}
	pyn__merge_check(&m);
	if (m.problems) {
		fprintf(stderr,
			"pyntest merge: nothing written: %d problem%s above\n",
			m.problems, m.problems == 1 ? "" : "s");
		status = PYN__EXIT_TESTS_FAILED;
		goto out;
	}
	if (html && pyn__merge_write_html(&m, html, &err)) {
		pyn__merge_say("%s", err.message);
		status = PYN__EXIT_INTERNAL;
		goto out;
	}
	if (!out && !html) {
		status = pyn__merge_write_junit(stdout, &m) || fflush(stdout) ?
				 PYN__EXIT_INTERNAL :
				 PYN__EXIT_OK;
		goto out;
	}
	if (out && pyn__report_write_atomic(out, "merged JUnit report",
					    pyn__merge_write_junit, &m, &err)) {
		pyn__merge_say("%s", err.message);
		status = PYN__EXIT_INTERNAL;
		goto out;
	}
	status = PYN__EXIT_OK;
out:
	pyn__merge_release(&m);
	return status;
}
