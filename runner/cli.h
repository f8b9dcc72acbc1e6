/* SPDX-License-Identifier: MIT */
/*
 * runner/cli.h - the pyntest program's parts: options, scheduling, the
 * duration cache.
 */
#ifndef PYN_RUNNER_CLI_H
#define PYN_RUNNER_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include <pyntest/pyntest.h>

#include "config/plan.h"
#include "runner/report/report.h"
#include "runner/report/stream.h"

/* Exit codes (SPEC §4, pytest's). */
enum pyn__exit {
	PYN__EXIT_OK = 0,
	PYN__EXIT_TESTS_FAILED = 1,
	PYN__EXIT_INTERRUPTED = 2,
	PYN__EXIT_INTERNAL = 3,
	PYN__EXIT_USAGE = 4,
	PYN__EXIT_NO_TESTS = 5,
};

struct pyn__provider_force {
	char *limiter;
	char *provider;
};

struct pyn__cli {
	const char **manifests; /* positional arguments */
	size_t n_manifests;
	const char **program_args; /* after `--`, for PROGRAM */
	size_t n_program_args;
	const char *junit_path; /* -o, else $XML_OUTPUT_FILE, else NULL */
	enum pyn__junit_flavor flavor;
	const char *html_path; /* --html, else NULL */
	enum pyn__format format; /* --format */
	const char *events_path; /* --events, else NULL */
	unsigned jobs;
	const char **filters; /* -k, in order */
	size_t n_filters;
	bool exact; /* --exact: -k patterns are whole ids, literally */
	bool list, check, fail_fast, limiters;
	bool last_failed, failed_first; /* --lf, --ff */
	int durations; /* --durations N: -1 not given, 0 all */
	bool concise; /* --concise */
	bool best_effort; /* --best-effort: unenforceable limits only warn */
	const char *debug_id; /* --debug ID: that one test in the foreground */
	const char *wrapper; /* --wrapper CMD ("" too: none), else NULL */
	bool core_dumps; /* --core-dumps */
	int retries; /* -1: not given */
	unsigned shard_index; /* 0-based */
	unsigned shard_count; /* 0: no sharding */
	bool shard_from_env; /* TEST_* / GTEST_*: touch the status file */
	enum pyn_shard_by shard_by; /* --shard-by */
	const char *shard_durations; /* --shard-durations FILE, or NULL */
	unsigned shard_total; /* --shard-total (Kubernetes), 0: none */
	char shard_source[160]; /* "--shard", "GitLab: CI_NODE_INDEX=2, ..." */
	enum pyn_isolation isolation;
	double wall_time_s, cpu_time_s;
	uint64_t memory_bytes;
	struct pyn__provider_force *forces;
	size_t n_forces;
	int verbosity; /* -1 -q, 0, 1 -v */
	const char *color; /* "auto", "always", "never" */
	bool help, version;
	char *env_filters[2]; /* storage of TESTBRIDGE_TEST_ONLY globs */
	char *exact_filters; /* storage of the --exact globs */
};

/*
 * Parse argv and the environment (XML_OUTPUT_FILE, TEST_TOTAL_SHARDS,
 * TEST_SHARD_INDEX, GTEST_*, TESTBRIDGE_TEST_ONLY).  Returns 0, or
 * PYN_EUSAGE with a message naming the option in `err`.
 */
int pyn__cli_parse(struct pyn__cli *cli, int argc, char **argv,
		   struct pyn_error *err);
void pyn__cli_release(struct pyn__cli *cli);
/* Fill `err` with PYN_EUSAGE and the message; returns PYN_EUSAGE. */
int pyn__usage_error(struct pyn_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The --help text. */
void pyn__cli_usage(FILE *out);

struct pyn__schedule {
	unsigned jobs;
	bool fail_fast;
	/*
	 * Make the next test's process while every lane is busy
	 * (engine/README.md, "Prestarting"); PYNTEST_PRESTART=0 turns it
	 * off.
	 */
	bool prestart;
	int watch_fd; /* epoll set: signal_fd and a tick timer */
	int signal_fd; /* self-pipe read end: 'I' is an interrupt */
	struct pyn__console *console;
	const struct pyn__listener *listeners; /* TAP, JSON events */
	/*
	 * Known durations (seconds, < 0 unknown) by plan index, or NULL:
	 * with more than one lane, the longest known start first.
	 */
	const double *durations;
	/* --failed-first: by plan index, tests that start before the rest. */
	const bool *first;
	/* Where captured output goes (report/spool.h), or NULL: memory. */
	struct pyn__spool *spool;
};

/*
 * Run every test of `plan` through `engine`, filling `report` (entries in
 * plan order).  Sets *interrupted when a signal stopped the run.  Returns
 * 0, or a negative PYN_E* when the engine itself broke.
 */
int pyn__schedule_run(struct pyn_engine *engine, const struct pyn_plan *plan,
		      const struct pyn__schedule *s, struct pyn__report *report,
		      bool *interrupted, struct pyn_error *err);

/*
 * The plan's `enumerate` callback: list an imported CUnit suite's tests in
 * a limited child (enumerate.c).
 */
int pyn__enumerate(void *user, const struct pyn_plan_source *src,
		   struct pyn_plan_case **cases, size_t *n_cases,
		   struct pyn_error *err);

/*
 * --wrapper and --core-dumps on every test of the plan; --debug: the plan
 * must hold exactly one test (PYN_EUSAGE otherwise), which then runs in
 * the foreground with no limits, no timers and no kills (debugging.c).
 */
int pyn__debug_plan(struct pyn_plan *plan, const struct pyn__cli *cli,
		    struct pyn_error *err);

/*
 * `--check`: load every test library of the plan once in a limited child
 * (check_load.c): 0, or PYN_EMANIFEST at the first test of each library
 * that does not load, with why and a hint, every such library added to
 * `errors` (`err` the first).  Another code when the engine failed.
 */
int pyn__check_load(const struct pyn_plan *plan, struct pyn__error_list *errors,
		    struct pyn_error *err);

/*
 * --limiters: every limiter in the registry, supported here or why not,
 * each plug-in with how a manifest loads it.  With `shipped`, first load
 * the plug-ins of `module_dir` and $PYNTEST_PLUGIN_PATH, so that a user
 * without a manifest sees every limiter one could use (limiters.c).
 */
void pyn__limiters_print(const char *module_dir, bool shipped);

/* ---- the duration cache (schedule.c) ---- */

/*
 * The cache file for these manifests: $PYNTEST_CACHE_DIR, else
 * $XDG_CACHE_HOME/pyntest, else ~/.cache/pyntest, then a file named by a
 * hash of the manifests' absolute paths.  NULL when there is no place.
 */
char *pyn__cache_path(const char *const *manifests, size_t n);
/* Durations by plan index, -1 when unknown; NULL when no cache. */
double *pyn__cache_load(const char *path, const struct pyn_plan *plan);
/*
 * Merge this run's durations and failures into the file (best effort,
 * atomic); tests not run keep what was known of them.
 */
void pyn__cache_save(const char *path, const struct pyn__report *report);
/* Ids that failed last time, sorted (*n of them); NULL when none. */
char **pyn__cache_failed(const char *path, size_t *n);
/* Is `id` among them? */
bool pyn__cache_has(char *const *ids, size_t n, const char *id);
void pyn__cache_free_ids(char **ids, size_t n);

/* A test's duration, as the cache and partition.c keep them. */
struct pyn__timing {
	char *id;
	double seconds; /* < 0: unknown */
	bool failed; /* did not meet its expectation last time (cache.c) */
	bool done; /* cache.c: written already */
};

/* Order of struct pyn__timing by id, for qsort and bsearch. */
int pyn__timing_by_id(const void *pa, const void *pb);
/*
 * The durations of a cache file's "SECONDS ID" lines, and its "failed ID"
 * lines, one item an id, sorted by id; *n gets the count.  NULL (and *n
 * 0) when it cannot be read.
 */
struct pyn__timing *pyn__cache_read(const char *path, size_t *n);
void pyn__timings_free(struct pyn__timing *t, size_t n);

#endif /* PYN_RUNNER_CLI_H */
