/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/junit_test.h - what the test-junit-* programs share: a
 * fresh folder for the reports (PYN_KEEP_REPORTS=1 keeps it), a small
 * world of plan tests and report entries built by hand (one of each
 * outcome, a flaky and a never-passing retried test), and a report
 * written and read back.
 */
#ifndef PYN_TESTS_JUNIT_TEST_H
#define PYN_TESTS_JUNIT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schema.h"
#include "unit.h"

#include "runner/report/report.h"

static char dir[256];

static inline int suite_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/pyn-test-junit-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static inline int suite_clean(void)
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

static inline struct pyn__attempt *add(const char *suite, const char *name,
				       enum pyn_outcome outcome,
				       const char *msg)
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

static inline void reset(void)
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
static inline void build_all_outcomes(void)
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

static inline char *slurp(const char *path, size_t *len)
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

static inline char *write_report(const char *name,
				 enum pyn__junit_flavor flavor, char *path,
				 size_t path_len)
{
	struct pyn_error err;

	snprintf(path, path_len, "%s/%s", dir, name);
	CU_ASSERT_EQUAL_FATAL(pyn__junit_write(&report, path, flavor, &err), 0);
	return slurp(path, NULL);
}

#endif /* PYN_TESTS_JUNIT_TEST_H */
