/* SPDX-License-Identifier: MIT */
/*
 * runner/report/junit_internal.h - what the files of the JUnit report
 * share (private to runner/report/).
 *
 *   junit_xml.c   the output: bytes counted and errors kept, text and
 *                 attributes escaped, <property>
 *   junit_case.c  one <testcase>: its outcome, retries, properties and
 *                 output; the strict flavour's measurement line
 *   junit.c       the document: <testsuites>, each <testsuite>, written
 *                 to a stream or atomically to a file
 */
#ifndef PYN_RUNNER_REPORT_JUNIT_INTERNAL_H
#define PYN_RUNNER_REPORT_JUNIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <base/outcome.h>

#include "runner/report/report.h"

struct pyn__junit_out {
	FILE *f;
	size_t written;
	size_t fail_after; /* 0: never fail on purpose */
	int error; /* errno of the first failure, 0: none */
	enum pyn__junit_flavor flavor;
};

/* junit_xml.c */

void pyn__junit_put(struct pyn__junit_out *o, const char *s, size_t n);
void pyn__junit_puts(struct pyn__junit_out *o, const char *s);
void pyn__junit_printf(struct pyn__junit_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* `n` bytes of text (`attr` false) or of an attribute value, escaped. */
void pyn__junit_esc(struct pyn__junit_out *o, const char *text, size_t n,
		    bool attr);
void pyn__junit_esc_str(struct pyn__junit_out *o, const char *s, bool attr);
/* ` name="value"`, escaped. */
void pyn__junit_attr(struct pyn__junit_out *o, const char *name,
		     const char *value);
/* ` key="value"` for a test's name: bytes XML cannot carry as \xHH. */
void pyn__junit_name_attr(struct pyn__junit_out *o, const char *key,
			  const char *value);
void pyn__junit_property(struct pyn__junit_out *o, const char *indent,
			 const char *name, const char *value);

/* junit_case.c */

/* The <testcase> child of a verdict (an unknown one: an error). */
enum pyn__junit_element pyn__junit_element(enum pyn_outcome v);
void pyn__junit_testcase(struct pyn__junit_out *o,
			 const struct pyn__report_entry *e);
/* Strict flavour: the testcase properties as one line per test. */
void pyn__junit_measurement_line(struct pyn__junit_out *o,
				 const struct pyn__report_entry *e);

#endif
