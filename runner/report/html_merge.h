/* SPDX-License-Identifier: MIT */
/*
 * runner/report/html_merge.h - the HTML report of `pyntest merge --html`
 * (html_merge.c): the shards' JUnit reports on html.c's page, with one
 * timeline lane per report (per machine).
 */
#ifndef PYN_RUNNER_REPORT_HTML_MERGE_H
#define PYN_RUNNER_REPORT_HTML_MERGE_H

#include <stddef.h>

#include <pyntest/pyntest.h>

#include "runner/report/xml_read.h"

/* One report as `pyntest merge` read it (runner/merge.c). */
struct pyn__merge_input {
	const char *path;
	const char *text; /* the whole file */
	size_t len;
	unsigned shard_i, shard_n; /* 0/0: not a shard report */
	/* Its <testcase> elements, each whole, in report order. */
	const struct pyn__range *cases;
	size_t n_cases;
	/* The text of its <testsuite>s' <system-out> (strict measurements). */
	const struct pyn__range *outs;
	size_t n_outs;
};

/*
 * Write the page for the `n` reports to `path` atomically.  Every
 * testcase of every report is a test of the page, counted as the merged
 * JUnit report counts it.  Returns 0 or PYN_EIO / PYN_ENOMEM with `err`
 * filled.
 */
int pyn__html_merge_write(const char *path, const struct pyn__merge_input *in,
			  size_t n, struct pyn_error *err);

#endif /* PYN_RUNNER_REPORT_HTML_MERGE_H */
