/* SPDX-License-Identifier: MIT */
/*
 * engine/classify.h - evidence in, verdict out: one pure function.
 *
 * No processes, no clocks, no globals: tests/unit/test-classify.c builds
 * the input by hand for every rule and every tie.
 */
#ifndef PYN_ENGINE_CLASSIFY_H
#define PYN_ENGINE_CLASSIFY_H

#include <pyntest/limiter.h>
#include <pyntest/pyntest.h>

#include "instrument.h"

/* One active limiter's classify() answer. */
struct pyn__claim {
	const char *limiter; /* its name */
	int outcome; /* PYN_OUTCOME_* or PYN_OUTCOME_UNDECIDED */
	const char *message; /* "" when it gave none */
};

struct pyn__classify_input {
	/* What the host saw (wait status, kill reason, page state, ...). */
	const struct pyn_limiter_evidence *ev;
	/* The parent could not start the test ("limiter 'x' failed in setup: ..."). */
	const char *host_setup_error;
	/* The page's setup message (apply, load or symbol failure). */
	const char *setup_message;
	/*
	 * The setup step the child was in ("setup 'su_init'"), for a test
	 * that exited or crashed in setup; NULL or "": "setup".
	 */
	const char *setup_step;
	/* Name of the limiter whose apply() was running when the child died. */
	const char *applying_limiter;
	const char *library; /* for "while loading library 'x'", or NULL */
	/* The test's own record. */
	unsigned n_failures;
	const struct pyn_failure *first_failure;
	int fail_called;
	int fail_code;
	const char *fail_message;
	const char *skip_reason;
	/* The limits, for the generic messages when no limiter made one. */
	double wall_time_s;
	double cpu_time_s;
	uint64_t memory_bytes;
	int64_t peak_memory_bytes; /* < 0: unknown */
	/*
	 * CPU of the test with its child processes: the tree's (cgroup
	 * cpu.stat) when a limiter measured it, else wait4's, which counts
	 * the children the test waited for.  < 0: unknown.
	 */
	double tree_cpu_time_s;
	/* The limiters' claims, in registry order. */
	const struct pyn__claim *claims;
	size_t n_claims;
	/* A sanitizer's report on the test's stderr (instrument.h), or NULL. */
	const struct pyn__san_report *sanitizer;
};

struct pyn__verdict {
	enum pyn_outcome outcome;
	char message[1024];
	char error_type[32]; /* "" for pass and skipped */
};

/*
 * Decide: setup/apply/load failure > interrupted > wall timeout > memory
 * limit > CPU timeout > other limiter claims > a sanitizer's report >
 * signal > skipped > fail > pass (SPEC §3, limiting.md §5).  A report of
 * the sanitizer's allocator refusing memory is a memory limit when the
 * test has one.
 *
 * Whatever goes wrong in a setup step (a failed assertion or pyn_fail(),
 * which the harness reports as PYN_CHILD_SETUP_FAILED with its message, an
 * exit, or a crash) is an `error` of type SetupError naming the step: the
 * test itself never ran.  A CPU limit counts the test's child processes
 * too: tree_cpu_time_s above the limit (by more than the measuring error)
 * is a cpu_timeout even when the test's own process stayed below it.
 */
void pyn__classify(const struct pyn__classify_input *in,
		   struct pyn__verdict *out);

/* Does the test's own record say pass (for evidence.would_pass)? */
int pyn__would_pass(int wait_status, int child_state, unsigned n_failures,
		    int fail_called);

#endif /* PYN_ENGINE_CLASSIFY_H */
