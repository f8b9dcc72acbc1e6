/* SPDX-License-Identifier: MIT */
/*
 * runner/merge_internal.h - what the files of `pyntest merge` share
 * (private to runner/).
 *
 *   merge_read.c   the shard reports read and checked: suites, testcases,
 *                  shard comments, a test in two reports, missing shards
 *   merge_write.c  the merged JUnit report and the --html page
 *   merge.c        the command line and the sequence
 */
#ifndef PYN_RUNNER_MERGE_INTERNAL_H
#define PYN_RUNNER_MERGE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <pyntest/error.h>

#include "runner/report/xml_read.h"

/* One report given on the command line. */
struct pyn__merge_report {
	const char *path;
	char *text;
	size_t len;
	unsigned shard_i, shard_n; /* 0/0: not a shard report */
	bool root_skipped; /* its <testsuites> has skipped= */
	struct pyn__range *cases, *outs; /* for --html */
	size_t n_cases, n_outs;
};

struct pyn__merge_suite {
	char *name;
	char *timestamp, *hostname; /* the first report's */
	size_t tests, failures, errors, skipped;
	double time;
	struct pyn__range *cases, *props, *out, *err;
	size_t n_cases, n_props, n_out, n_err;
};

struct pyn__merge_seen {
	char *id;
	const char *path;
};

struct pyn__merge {
	struct pyn__merge_report *in;
	size_t n_in;
	struct pyn__merge_suite *suites;
	size_t n_suites;
	struct pyn__merge_seen *ids;
	size_t n_ids, cap_ids;
	bool root_skipped;
	int problems; /* duplicates and missing shards named */
};

/* merge.c */

/* "pyntest merge: error: " and the message, on stderr. */
void pyn__merge_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* merge_read.c */

/*
 * Read report `in` (its path set) into `m`.  Returns 0, PYN_ENOMEM, or
 * PYN_EUSAGE with the problem said on stderr.
 */
int pyn__merge_read_input(struct pyn__merge *m, struct pyn__merge_report *in);

/* A test in two reports; a shard given twice, missing, or of two sizes:
 * each said on stderr and counted in m->problems. */
void pyn__merge_check(struct pyn__merge *m);

/* Free what reading allocated (not `m` itself). */
void pyn__merge_release(struct pyn__merge *m);

/* merge_write.c */

/* The merged JUnit report of `user` (a struct pyn__merge) to `f`. */
int pyn__merge_write_junit(FILE *f, void *user);

/* --html: the reports on the HTML report's page (html_merge.c). */
int pyn__merge_write_html(const struct pyn__merge *m, const char *path,
			  struct pyn_error *err);

#endif /* PYN_RUNNER_MERGE_INTERNAL_H */
