/* SPDX-License-Identifier: MIT */
/*
 * runner/report/report.h - what the reporters read: one entry per planned
 * test, in plan order, with every attempt the scheduler made.
 *
 * Reporters only read this; the scheduler fills and owns it.  Nothing here
 * calls the engine or the config layer, so a unit test can build a report
 * by hand from a few plan tests and results.
 */
#ifndef PYN_RUNNER_REPORT_H
#define PYN_RUNNER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <pyntest/pyntest.h>

#include "config/plan.h"
#include "runner/report/spool.h"

/*
 * What the reporters keep of one struct pyn_result.  A pyn_result is about
 * 16 KiB (room for 16 failed assertions, fixed buffers); at 10,000 tests
 * that alone would be 160 MiB of runner memory.  This keeps the same field
 * names, with the failures, message and output sized to what was there.
 */
struct pyn__run {
	enum pyn_outcome outcome;
	char *message; /* owned; NULL: none */
	/*
	 * The JUnit type, and which provider enforced each built-in limit:
	 * NULL or "" for none.  Not owned: a few names shared by every run
	 * (pyn__report_intern()).
	 */
	const char *error_type;
	double wall_time_s;
	double cpu_time_s;
	int64_t peak_memory_bytes; /* -1: unknown */
	int exit_code;
	int term_signal;
	unsigned leftover_processes;
	unsigned n_failures; /* failed assertions (may exceed n_kept) */
	unsigned n_kept; /* entries in `failures` */
	struct pyn_failure *failures; /* owned */
	/*
	 * Captured output: in memory (`out`, owned), or, when `spool` is
	 * set, `out_len` bytes at `out_at` in the spool (out NULL); read it
	 * with pyn__run_text().  Likewise `err`.
	 */
	char *out;
	size_t out_len;
	uint64_t out_total;
	char *err;
	size_t err_len;
	uint64_t err_total;
	const struct pyn__spool *spool; /* borrowed; NULL: in memory */
	uint64_t out_at, err_at;
	char **properties; /* owned "name=value" */
	size_t n_properties;
	const char *memory_provider;
	const char *tree_provider;
	/* Where it ran, for the HTML timeline (pyn_result's start_s, slot). */
	double start_s;
	unsigned slot;
};

/* Free what a run owns and zero it; accepts NULL. */
void pyn__run_release(struct pyn__run *run);

/* A run's captured stdout or stderr, for as long as a reporter needs it. */
struct pyn__text {
	const char *buf; /* NULL when there is none */
	size_t len;
	char *owned; /* read back from the spool: freed by release */
};
/*
 * Its stdout (`err` false) or stderr.  Output the spool cannot give back
 * (a read error) reads as a one-line note saying so.
 */
void pyn__run_text(const struct pyn__run *run, bool err, struct pyn__text *t);
void pyn__text_release(struct pyn__text *t);

/* One run of a test: what it did and what it counted as. */
struct pyn__attempt {
	struct pyn__run result; /* owned by the attempt */
	enum pyn_outcome verdict; /* after the expectation (verdict.h) */
	char *message; /* owned: the verdict's ("expected ..., got ...") */
};

struct pyn__report_entry {
	const struct pyn_plan_test *test; /* borrowed from the plan */
	/*
	 * pyn__expect_describe() of the test ("" or NULL: pass), and the
	 * sanitizers it is built with ("AddressSanitizer+...", "" or NULL
	 * for none); not owned (pyn__report_intern()).  Then the factors
	 * its limits grew by under those sanitizers.
	 */
	const char *expected;
	const char *sanitizers;
	double time_scale;
	double memory_scale;
	/*
	 * Attempts in order; 0 attempts: never started (interrupted before
	 * it ran).  More than one: retried; the last decides.
	 */
	struct pyn__attempt *attempts;
	size_t n_attempts;
};

struct pyn__report {
	struct pyn__report_entry *entries; /* plan order */
	size_t n_entries;
	const char *const *suites; /* suite names, order of first test */
	size_t n_suites;
	double start_epoch_s; /* wall clock at the start of the run */
	double duration_s; /* of the whole run */
	const char *shard; /* "1/2" or NULL */
	/* What the HTML report's header names; NULL/0 when not known. */
	const char *const *manifests;
	size_t n_manifests;
	unsigned jobs;
	/*
	 * The few distinct strings every entry and run points to (expected
	 * outcomes, sanitizer names, error types, providers), each kept
	 * once: 20,000 tests would otherwise carry 20,000 copies.
	 */
	char **strings;
	size_t n_strings;
};

/*
 * `s` kept once in the report (NULL and "" are ""): the copy's address,
 * or NULL when out of memory.  Freed with the report.
 */
const char *pyn__report_intern(struct pyn__report *r, const char *s);
/* Is `s` a non-empty string (the interned fields may be NULL)? */
static inline bool pyn__given(const char *s)
{
	return s && s[0];
}

/* The outcome counting for an entry: its last attempt's verdict. */
enum pyn_outcome pyn__entry_verdict(const struct pyn__report_entry *e);
/* The attempt the report shows (see junit.c), or NULL for none. */
const struct pyn__attempt *
pyn__entry_primary(const struct pyn__report_entry *e);
/* Passed on a retry after an unexpected outcome. */
bool pyn__entry_is_flaky(const struct pyn__report_entry *e);
/* The message shown for an entry ("interrupted before it started"). */
const char *pyn__entry_message(const struct pyn__report_entry *e);

/* JUnit error type for an error-class attempt ("Signal", "WallTimeout"). */
const char *pyn__attempt_error_type(const struct pyn__attempt *a);
/* Counts of entries per verdict (index: enum pyn_outcome), and flaky. */
struct pyn__counts {
	size_t by[PYN_OUTCOME_COUNT];
	size_t flaky;
	size_t total;
};
void pyn__report_count(const struct pyn__report *r, struct pyn__counts *c);
/* failed = every verdict that is a <failure> or an <error>. */
size_t pyn__counts_failed(const struct pyn__counts *c);

/* "1.0 MiB", "512 B": for output-cut markers and memory messages. */
const char *pyn__format_bytes(uint64_t n, char *buf, size_t len);

/* Free what an attempt owns; accepts NULL. */
void pyn__attempt_release(struct pyn__attempt *a);

/* ---- JUnit (junit.c) ---- */

enum pyn__junit_flavor {
	PYN__JUNIT_DEFAULT = 0, /* + testcase file/line/properties */
	PYN__JUNIT_STRICT = 1, /* junit-10-xunit-plugin.xsd */
};

/*
 * Write the report to `path` atomically: a temporary file in the same
 * directory, fsync, rename.  On failure the old file at `path` is left as
 * it was and no temporary file remains.  Returns 0 or PYN_EIO / PYN_ENOMEM
 * with `err` filled.
 */
int pyn__junit_write(const struct pyn__report *r, const char *path,
		     enum pyn__junit_flavor flavor, struct pyn_error *err);
/* Write the XML to an open stream (no atomicity). */
int pyn__junit_write_stream(const struct pyn__report *r, FILE *f,
			    enum pyn__junit_flavor flavor,
			    struct pyn_error *err);
/* For tests: make the next pyn__junit_write fail after this many bytes. */
extern size_t pyn__junit_fail_after;

/* Fill `err` (may be NULL) with a code and message; returns `code`. */
int pyn__report_error(struct pyn_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Length of the valid UTF-8 sequence at s[0..n) that XML and JSON allow
 * (no overlongs, surrogates, U+FFFE/U+FFFF, nothing above U+10FFFF), or 0
 * when the bytes there are not one: the caller replaces one byte.
 */
size_t pyn__utf8_len(const unsigned char *s, size_t n);

/*
 * Write a report file atomically: `write(f, user)` fills a temporary file
 * beside `path` (0666 less the umask), which is flushed, fsynced and
 * renamed over `path`.  `write` returns 0 or an errno value.  On failure
 * the old file at `path` is left as it was and no temporary file remains.
 * `what` names the report in messages ("HTML report").  Returns 0 or
 * PYN_EIO / PYN_ENOMEM with `err` filled.  The temporary file carries
 * the pid, and those of dead runners beside `path` are removed (write.c).
 */
int pyn__report_write_atomic(const char *path, const char *what,
			     int (*write)(FILE *f, void *user), void *user,
			     struct pyn_error *err);

/* ---- Console (console.c) ---- */

enum pyn__console_mode {
	PYN__CONSOLE_PLAIN = 0, /* CI or pipe: a line per finished non-pass */
	PYN__CONSOLE_TTY = 1, /* one live progress line redrawn with \r */
};

struct pyn__console {
	FILE *out;
	enum pyn__console_mode mode;
	int verbosity; /* -1: -q, 0: default, 1: -v */
	bool color;
	size_t total;
	size_t done;
	double start_s; /* monotonic seconds at the start */
	/* Names of running tests, for the progress line (borrowed). */
	const char **running;
	size_t n_running;
	size_t cap_running;
	bool line_drawn; /* a progress line is on screen */
	/* Finished so far, for the progress line. */
	size_t n_passed, n_failed, n_skipped;
	/*
	 * --durations N: list the N slowest tests (0: all); -1 (the
	 * default): only tests of SLOW_S and more, at most 5.
	 */
	int durations;
	/*
	 * --concise (pyntest_discover_tests): a line per test, passes too,
	 * then the closing line; no after-run blocks.
	 */
	bool concise;
	/* The status word's column: wider when tests may be retried. */
	int word_width;
};

/* Colour choice of --color, NO_COLOR, FORCE_COLOR, CLICOLOR_FORCE, TERM. */
bool pyn__color_wanted(const char *when, int fd);
/*
 * Tests may be tried up to MAX_TRIES times: the column fits "TRY n " and
 * the widest word after it, so every line's id starts in one column.
 */
void pyn__console_tries(struct pyn__console *c, unsigned max_tries);
void pyn__console_init(struct pyn__console *c, FILE *out,
		       enum pyn__console_mode mode, int verbosity, bool color,
		       size_t total);
void pyn__console_release(struct pyn__console *c);
void pyn__console_started(struct pyn__console *c, const char *id);
void pyn__console_finished(struct pyn__console *c,
			   const struct pyn__report_entry *e);
/*
 * The entry's last attempt did not meet its expectation and it runs
 * again: a "TRY n WORD" line (nextest's), unless -q.
 */
void pyn__console_retry(struct pyn__console *c,
			const struct pyn__report_entry *e);
/* Redraw the progress line (TTY mode only), e.g. on a timer. */
void pyn__console_tick(struct pyn__console *c);
/* The after-run part: failures with output tails, slowest, summary. */
void pyn__console_summary(struct pyn__console *c, const struct pyn__report *r);
/*
 * "FAIL", "SIGSEGV", "TIMEOUT", "FLAKY 2/3", "EXPECTED" (an expectation
 * other than pass, met) ... for an entry.
 */
const char *pyn__console_status_word(const struct pyn__report_entry *e,
				     char *buf, size_t len);
/* Monotonic clock in seconds. */
double pyn__now(void);

#endif /* PYN_RUNNER_REPORT_H */
