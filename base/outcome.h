/* SPDX-License-Identifier: MIT */
/*
 * base/outcome.h - what every part says about an outcome, in one table.
 *
 * The names and numbers are the C API's (PYN_OUTCOME_MAP in pyntest.h);
 * this adds how reports show each: the JUnit element and type attribute,
 * the console's status word, its summary noun and its colour.
 */
#ifndef PYN_BASE_OUTCOME_H
#define PYN_BASE_OUTCOME_H

#include <stdbool.h>

#include <pyntest/pyntest.h>

/* The child of <testcase> an outcome becomes (SPEC §3). */
enum pyn__junit_element {
	PYN__JUNIT_NONE = 0, /* passed: no child */
	PYN__JUNIT_FAILURE, /* <failure type=...> */
	PYN__JUNIT_ERROR, /* <error type=...> */
	PYN__JUNIT_SKIPPED, /* <skipped message=...> */
};

/* How the console colours an outcome. */
enum pyn__tone {
	PYN__TONE_GOOD = 0, /* green */
	PYN__TONE_NOTE, /* yellow: nothing wrong, nothing run either */
	PYN__TONE_LIMIT, /* magenta: a limit stopped it */
	PYN__TONE_BAD, /* red */
};

/*
 * X(OUTCOME, ELEMENT, TYPE, WORD, LABEL, ONE, MANY, TONE), one row per
 * outcome of PYN_OUTCOME_MAP:
 *   ELEMENT    enum pyn__junit_element without its prefix
 *   TYPE       the JUnit type attribute; NULL for none, and for error,
 *              whose type the evidence picks (PYN__TYPE_* below)
 *   WORD       the console's status word
 *   LABEL      the outcome in words (the HTML report's chips and badges)
 *   ONE, MANY  the console summary's noun ("1 wall timeout", "2 ...")
 *   TONE       enum pyn__tone without its prefix
 */
#define PYN__OUTCOME_TABLE(X)                                                  \
	X(PASS, NONE, NULL, "PASS", "pass", "passed", "passed", GOOD)          \
	X(FAIL, FAILURE, "AssertionFailure", "FAIL", "fail", "failed",         \
	  "failed", BAD)                                                       \
	X(ERROR, ERROR, NULL, "ERROR", "error", "error", "errors", BAD)        \
	X(WALL_TIMEOUT, ERROR, "WallTimeout", "TIMEOUT", "wall timeout",       \
	  "wall timeout", "wall timeouts", LIMIT)                              \
	X(CPU_TIMEOUT, ERROR, "CpuTimeout", "CPU-TIMEOUT", "CPU timeout",      \
	  "CPU timeout", "CPU timeouts", LIMIT)                                \
	X(MEMORY_LIMIT, ERROR, "MemoryLimit", "MEMORY", "memory limit",        \
	  "memory limit", "memory limits", LIMIT)                              \
	X(SKIPPED, SKIPPED, NULL, "SKIP", "skipped", "skipped", "skipped",     \
	  NOTE)                                                                \
	X(INTERRUPTED, ERROR, "Interrupted", "INTERRUPTED", "interrupted",     \
	  "interrupted", "interrupted", BAD)                                   \
	X(NOT_RUN, SKIPPED, NULL, "NOT-RUN", "not run", "not run", "not run",  \
	  NOTE)

/* JUnit types of an `error` outcome, picked by the evidence. */
#define PYN__TYPE_SIGNAL "Signal" /* killed by a signal */
#define PYN__TYPE_SETUP_ERROR "SetupError" /* never got to run */
#define PYN__TYPE_LIMITER_ERROR "LimiterError" /* a limiter said error */

/* The message of a not_run outcome starts with this (SPEC §3). */
#define PYN__NOT_RUN_PREFIX "not run: "

/* A row of the table; the name is pyn_outcome_name()'s. */
struct pyn__outcome_info {
	enum pyn__junit_element element;
	const char *type; /* NULL: none, or chosen by the evidence */
	const char *word;
	const char *label;
	const char *one;
	const char *many;
	enum pyn__tone tone;
};

/* The row of `outcome`, or NULL for UNDECIDED and numbers out of range. */
const struct pyn__outcome_info *pyn__outcome_info(enum pyn_outcome outcome);

/* The outcome's JUnit type, "" when it has none of its own. */
const char *pyn__outcome_type(enum pyn_outcome outcome);

/* Does it count as failed: a <failure> or an <error>? */
bool pyn__outcome_is_failed(enum pyn_outcome outcome);

#endif /* PYN_BASE_OUTCOME_H */
