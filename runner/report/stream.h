/* SPDX-License-Identifier: MIT */
/*
 * runner/report/stream.h - reporters that write while the run goes on:
 * TAP (tap.c, --format tap) and the JSON event stream (events.c,
 * --format json and --events PATH).  docs/formats.md describes both.
 *
 * The scheduler knows them only as listeners: a test started, a test's
 * last attempt finished.  The program calls begin before the scheduler
 * runs and end after it.
 */
#ifndef PYN_RUNNER_REPORT_STREAM_H
#define PYN_RUNNER_REPORT_STREAM_H

#include <stdbool.h>
#include <stdio.h>

#include "config/plan.h"
#include "runner/report/report.h"

/* What the scheduler calls; a chain through `next`. */
struct pyn__listener {
	void (*started)(void *user, const struct pyn__report_entry *e);
	void (*finished)(void *user, const struct pyn__report_entry *e);
	void *user;
	const struct pyn__listener *next;
};

/* Call every listener of the chain (NULL: none). */
void pyn__listeners_started(const struct pyn__listener *l,
			    const struct pyn__report_entry *e);
void pyn__listeners_finished(const struct pyn__listener *l,
			     const struct pyn__report_entry *e);

/* ---- TAP 14 (tap.c) ---- */

struct pyn__tap {
	FILE *out;
	const struct pyn_plan *plan;
	bool *written; /* by plan index: its line is out */
	size_t number; /* lines written so far */
	struct pyn__listener listener;
};

/*
 * Write "TAP version `version`" (13 or 14: the lines are the same) and
 * the plan; 0 or PYN_ENOMEM.
 */
int pyn__tap_begin(struct pyn__tap *t, FILE *out, const struct pyn_plan *plan,
		   int version);
/*
 * A line for every test that has none yet (never started: "not run"),
 * then "Bail out!" when the run was interrupted.
 */
void pyn__tap_end(struct pyn__tap *t, const struct pyn__report *r,
		  bool interrupted);
void pyn__tap_release(struct pyn__tap *t);
/* One test's line and diagnostics, numbered `number`. */
void pyn__tap_write_entry(FILE *f, size_t number,
			  const struct pyn__report_entry *e);

/* ---- JSON event stream (events.c) ---- */

/* The stream's format; raise it when a field changes meaning or goes. */
#define PYN__EVENTS_VERSION 1

struct pyn__events {
	FILE *out;
	bool owned; /* fclose at release */
	double t0; /* monotonic start */
	const struct pyn_plan *plan;
	bool *ended; /* by plan index: its test_end is out */
	struct pyn__listener listener;
};

/*
 * Write the run-start event to `out` (or open `path` for writing when out
 * is NULL).  `jobs` and `manifests` are named in the event.  Returns 0 or
 * PYN_EIO / PYN_ENOMEM with `err` filled.
 */
int pyn__events_begin(struct pyn__events *ev, FILE *out, const char *path,
		      const struct pyn_plan *plan, unsigned jobs,
		      const char *const *manifests, size_t n_manifests,
		      struct pyn_error *err);
/* The run-end event: counts, duration, exit status. */
void pyn__events_end(struct pyn__events *ev, const struct pyn__report *r,
		     bool interrupted, int exit_status);
void pyn__events_release(struct pyn__events *ev);

/* ---- what the program asks for (stream.c) ---- */

/* --format: what goes to stdout. */
enum pyn__format {
	PYN__FORMAT_CONSOLE = 0, /* the console report */
	PYN__FORMAT_TAP = 1, /* TAP; the console report goes to stderr */
	PYN__FORMAT_JSON = 2, /* JSON events; the console to stderr */
	PYN__FORMAT_TAP13 = 3, /* TAP that says "TAP version 13" */
};

struct pyn__live {
	struct pyn__tap tap;
	struct pyn__events json; /* on stdout */
	struct pyn__events file; /* --events PATH */
	const struct pyn__listener *head; /* for the scheduler */
};

/*
 * Start the streams `format` and `events_path` (NULL: none) ask for, on
 * `out` (stdout).  Returns 0 or PYN_EIO / PYN_ENOMEM with `err` filled.
 */
int pyn__live_begin(struct pyn__live *s, FILE *out, enum pyn__format format,
		    const char *events_path, const struct pyn_plan *plan,
		    unsigned jobs, const char *const *manifests,
		    size_t n_manifests, struct pyn_error *err);
void pyn__live_end(struct pyn__live *s, const struct pyn__report *r,
		   bool interrupted, int exit_status);
/* Accepts a zeroed struct. */
void pyn__live_release(struct pyn__live *s);

#endif /* PYN_RUNNER_REPORT_STREAM_H */
