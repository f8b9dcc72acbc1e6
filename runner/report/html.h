/* SPDX-License-Identifier: MIT */
/*
 * runner/report/html.h - the HTML report (--html PATH): one self-contained
 * file with the run's totals, a timeline of the workers' lanes, a table of
 * tests with their measurements against their limits, and the failures
 * with their output.  It loads nothing from the network.
 */
#ifndef PYN_RUNNER_REPORT_HTML_H
#define PYN_RUNNER_REPORT_HTML_H

#include <stdio.h>

#include "runner/report/report.h"

/*
 * Write the report to `path` atomically (pyn__report_write_atomic).
 * Returns 0 or PYN_EIO / PYN_ENOMEM with `err` filled.
 */
int pyn__html_write(const struct pyn__report *r, const char *path,
		    struct pyn_error *err);
/* Write the HTML to an open stream (no atomicity). */
int pyn__html_write_stream(const struct pyn__report *r, FILE *f,
			   struct pyn_error *err);

/*
 * Append `n` bytes to `f` as the inside of a JSON string that is safe in
 * an HTML <script> element: bytes that are not UTF-8 and control
 * characters but tab, LF and CR become U+FFFD (as in the JUnit report),
 * and '<', '>', '&', U+2028 and U+2029 are \u escapes, so no "</script>"
 * or "<!--" can end or bend the element.
 */
void pyn__html_json_text(FILE *f, const char *s, size_t n);

/* A JSON string of `s` (null for NULL) or number (null unless finite). */
void pyn__html_json_str(FILE *f, const char *s);
void pyn__html_json_num(FILE *f, double v);
/* "outcomes":[{name, label, failed}...], base/outcome.h's table. */
void pyn__html_json_outcomes(FILE *f);

/*
 * The page before the data's <script type="application/json"> content,
 * and after it (html_page.c).
 */
extern const char pyn__html_page_head[];
extern const char pyn__html_page_tail[];

#endif /* PYN_RUNNER_REPORT_HTML_H */
