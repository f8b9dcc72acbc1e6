/* SPDX-License-Identifier: MIT */
/*
 * config/plan.h - the flat list of tests a run will execute.
 *
 * Built from one or more manifests (config/manifest.h): suites, defaults,
 * discovery, CUnit imports, overrides, command-line defaults, filters and
 * shards are all resolved here.  `--list` and `--check` stop here.  Every
 * test carries its final limits, expectation and a task ready for the
 * engine.  The plan owns every string it points to.
 *
 * The plan stands on the manifest (config/manifest.h), never the other
 * way round.  It describes each test's expectation; runner/verdict.h
 * judges results against it.
 */
#ifndef PYN_CONFIG_PLAN_H
#define PYN_CONFIG_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include <pyntest/pyntest.h>

#include "config/manifest.h"

/*
 * Where the code of a suite's tests is, and what they run with: one copy
 * for every test of the suite (pyn_plan_task() makes a test's task).
 */
struct pyn_plan_code {
	const char *library; /* resolved absolute path; NULL for a program */
	const char *setup; /* the suite's setup and teardown, or NULL */
	const char *teardown;
	const char *cunit_info; /* `cunit:` CU_SuiteInfo[] symbol, or NULL */
	const char *const *cunit_register; /* `cunit_register:` */
	size_t n_cunit_register;
	const char *cwd; /* resolved absolute path, or NULL */
	const char *const *env; /* "NAME=VALUE" */
	size_t n_env;
	/* `program:` suites (SPEC §2): the CUnit test program, its args. */
	const char *program;
	const char *const *args;
	size_t n_args;
};

struct pyn_plan_test {
	char *id; /* "classname.name", unique in the plan */
	char *suite; /* JUnit testsuite name: the manifest suite's */
	/*
	 * JUnit classname: the suite's name; for an imported CUnit test
	 * "SUITE.CUNIT_SUITE", or SUITE when the CUnit suite has its name.
	 */
	char *classname;
	char *name; /* JUnit testcase name */
	size_t order; /* position in manifest order, from 0 */
	/*
	 * What it runs: PYN_TASK_SYMBOL `symbol` of code->library, or
	 * PYN_TASK_CUNIT test `name` of registered suite `cunit_suite`.
	 */
	enum pyn_task_kind kind;
	const char *symbol;
	const char *cunit_suite;
	const struct pyn_plan_code *code;
	/*
	 * Final limits: one copy for all the tests that have the same (a
	 * plan of 20,000 tests mostly has a few); pyn_plan_set_limits()
	 * changes a test's.
	 */
	const struct pyn_limits *limits;
	struct pyn_expect expect;
	unsigned retries; /* reruns allowed for an unexpected outcome */
	char *manifest; /* the manifest that declared it */
	char *file; /* source of the test entry (manifest) */
	unsigned line; /* its line, 0: unknown */
	unsigned column; /* its column, 0: unknown */
	bool skip; /* `skip:` set: report skipped, do not run */
	/*
	 * `process: per-suite` on an imported CUnit test: it runs with the
	 * other tests of its CUnit suite in one process (docs/cunit.md).
	 */
	bool shared_process;
	char *skip_reason; /* NULL: none given */
	/*
	 * Not PASS: the program's start-up failed while its tests were
	 * listed; the test stands for the whole program and is reported
	 * with this outcome and message without running (docs/cunit.md).
	 */
	enum pyn_outcome startup_outcome;
	char *startup_message;
};

struct pyn_plan {
	struct pyn_plan_test *tests;
	size_t n_tests;
	size_t n_suites; /* distinct suite names, in order of first test */
	char **suites;
	char **plugins; /* resolved plug-in paths, in load order */
	size_t n_plugins;
	/* Where every string above lives (private). */
	struct pyn__plan_arena *arena;
	/* The limits given out last, to share (private). */
	const struct pyn_limits *recent_limits[4];
};

/*
 * A CUnit test found by the `enumerate` callback: its registered suite
 * and test names, each allocated with malloc.  The plan takes ownership.
 */
struct pyn_plan_case {
	char *suite;
	char *test;
	/*
	 * Not PASS: the suite could not be listed (a program whose main()
	 * never got to its CUnit run call); this one case stands for it and
	 * is reported with this outcome and `message` (malloc'ed), never
	 * run.
	 */
	enum pyn_outcome outcome;
	char *message;
};

/* An imported suite (`cunit:`, `cunit_register:` or `program:`). */
struct pyn_plan_source {
	const char *suite; /* the manifest's suite name */
	const char *library; /* resolved absolute path, or NULL */
	const char *cunit_info; /* `cunit:` CU_SuiteInfo[] symbol, or NULL */
	const char *const *cunit_register; /* `cunit_register:` functions */
	size_t n_cunit_register;
	const char *program; /* resolved absolute path, or NULL */
	const char *const *args; /* program arguments */
	size_t n_args;
	const char *cwd; /* resolved absolute path, or NULL */
	const char *const *env; /* "NAME=VALUE" */
	size_t n_env;
	const struct pyn_limits *limits; /* the suite's own limits */
};

/*
 * How --shard I/N splits the selected tests (plan_partition.c): by a hash
 * of each id (a test stays in its shard whatever else changes), by count
 * (round robin in plan order: sizes differ by at most one), or by time
 * (greedy longest first on known durations: the shards' total times as
 * even as the durations allow).
 */
enum pyn_shard_by {
	PYN_SHARD_BY_HASH = 0,
	PYN_SHARD_BY_COUNT,
	PYN_SHARD_BY_TIME,
};

/* Options from the command line that shape the plan. */
struct pyn_plan_options {
	/*
	 * -k: a substring of the id, or a glob on the whole id when it has
	 * `*`, `?`, `[` or `\`; a leading "!" excludes.
	 */
	const char *const *filters;
	size_t n_filters;
	unsigned shard_index; /* --shard I/N: 0-based index here */
	unsigned shard_count; /* 0: no sharding */
	enum pyn_shard_by shard_by;
	/*
	 * PYN_SHARD_BY_TIME: how long test `id` took before, in seconds, or
	 * < 0 when unknown.  Must answer the same on every machine of a
	 * sharded run.  NULL: every duration unknown (time = count).
	 */
	double (*duration)(void *user, const char *id);
	enum pyn_isolation isolation; /* --isolation, DEFAULT: manifest's */
	double wall_time_s; /* --wall-time, 0: none given */
	double cpu_time_s; /* --cpu-time */
	uint64_t memory_bytes; /* --memory */
	int retries; /* --retries, -1: none given */
	/*
	 * The callbacks below may each be NULL (zero-initialise the struct).
	 *
	 * Check one limiter option from the manifest.  Called once per
	 * limiter named under `limiters:` with opt == NULL (to check the
	 * name: fail for an unknown limiter, naming it), then once for each
	 * of its options.  Returns 0, or non-zero with `err` filled; the plan
	 * adds the option key's FILE:LINE:COLUMN when `err->line` is 0 (a
	 * bad value: set the value's, from `opt`).  NULL: options are taken
	 * unchecked.
	 */
	int (*validate_option)(void *user, const char *limiter,
			       const struct pyn_limiter_option *opt,
			       struct pyn_error *err);
	/*
	 * List the tests of an imported suite by running its code in a child.
	 * Returns 0 with a malloc'ed array of malloc'ed names (the plan
	 * frees them), or non-zero with `err` filled.  NULL: such suites are
	 * an error ("needs the runner").
	 */
	int (*enumerate)(void *user, const struct pyn_plan_source *source,
			 struct pyn_plan_case **cases, size_t *n_cases,
			 struct pyn_error *err);
	/*
	 * Say something that is no error: a filter that selects nothing,
	 * with the closest ids.  NULL: nothing is said.
	 */
	void (*warn)(void *user, const char *message);
	void *user; /* handed to the callbacks above */
	/*
	 * The runner's own choice among the tests the filters kept (e.g.
	 * --last-failed), before sharding; when it keeps none of them, all
	 * are kept (pytest's --lf with no failures runs everything).  NULL
	 * keeps them all.
	 */
	bool (*keep)(void *keep_user, const char *id);
	void *keep_user;
	/*
	 * pyntest's own module folder: searched for plug-ins last, after
	 * the manifest's folder and PYNTEST_PLUGIN_PATH (NULL: not at all).
	 */
	const char *plugin_dir;
	/*
	 * Not NULL: every independent mistake is added here (up to the
	 * list's cap), the build going on past a bad suite, test, plug-in
	 * or limiter option; `err` then holds the first in manifest order.
	 */
	struct pyn__error_list *errors;
};

/*
 * Build the plan from manifests already loaded (`options` may be NULL).  Reports every user
 * mistake (missing library, missing symbol, bad plug-in, ...) in `err`
 * with the manifest's FILE:LINE:COLUMN and returns PYN_EMANIFEST.
 */
int pyn_plan_build(struct pyn_plan *plan, struct pyn_manifest *const *manifests,
		   size_t n_manifests, const struct pyn_plan_options *options,
		   struct pyn_error *err);

void pyn_plan_release(struct pyn_plan *plan);

/*
 * Give test `t` of `plan` the limits `l` (copied; the options and the
 * wrapper must outlive the plan, e.g. live in it).  Tests with equal
 * limits share one copy.  Returns 0, or PYN_ENOMEM.
 */
int pyn_plan_set_limits(struct pyn_plan *plan, struct pyn_plan_test *t,
			const struct pyn_limits *l);

/* The program a test runs in, or its library: where its code is. */
static inline const char *pyn_plan_test_code(const struct pyn_plan_test *t)
{
	return t->code->program ? t->code->program : t->code->library;
}

/* The task that runs test `t` (its strings are the plan's). */
void pyn_plan_task(const struct pyn_plan_test *t, struct pyn_task *task);

/* Does the -k pattern (without its "!") select `id`?  (plan_select.c) */
bool pyn_plan_filter_match(const char *pattern, const char *id);
/* Is the pattern a glob (on the whole id) rather than a substring? */
bool pyn_plan_filter_is_glob(const char *pattern);

#endif /* PYN_CONFIG_PLAN_H */
