/* SPDX-License-Identifier: MIT */
/*
 * config/manifest.h - a manifest (SPEC §1), read and validated.
 *
 * pyn_manifest_load() reads the YAML with libyaml into a node tree that
 * keeps every node's line and column, then validates it into the plain
 * structs below.  Nothing here touches the file system beyond reading the
 * manifest: libraries, symbols and plug-ins are checked by the plan
 * (config/plan.h), which needs the locations kept here.
 *
 * Errors: the first mistake found is reported (PYN_ESYNTAX for malformed
 * YAML, PYN_EMANIFEST for everything else, PYN_EIO when the file cannot be
 * read, PYN_ENOMEM), with `err->file` the path as given by the caller and
 * line/column (1-based) of the offending node.  pyn_manifest_load_all()
 * reports every independent mistake instead: the reader goes on past a bad
 * key, value, test or suite, skipping only what that mistake spoilt (a
 * suite with a bad key is not checked for the keys it lacks).  A YAML
 * syntax error still stops it: libyaml cannot read on past one.
 */
#ifndef PYN_CONFIG_MANIFEST_H
#define PYN_CONFIG_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pyntest/pyntest.h>

#include "base/error_list.h"

/* Where a node was in the manifest, 1-based; 0: unknown. */
struct pyn_loc {
	unsigned line;
	unsigned column;
};

/*
 * What counts as success for a test (`expect:`): a description only.
 * The plan carries it to each test; runner/verdict.h judges a result
 * against it.
 */
enum pyn_expect_kind {
	PYN_EXPECT_OUTCOME = 0, /* a given outcome (default: pass) */
	PYN_EXPECT_TIMEOUT = 1, /* wall_timeout or cpu_timeout */
	PYN_EXPECT_SIGNAL = 2, /* error by signal `value` */
	PYN_EXPECT_EXIT_CODE = 3, /* exited with status `value` */
};

struct pyn_expect {
	enum pyn_expect_kind kind;
	enum pyn_outcome outcome; /* for PYN_EXPECT_OUTCOME */
	int value; /* signal number or exit code */
};

enum pyn_setting_state {
	PYN_SETTING_UNSET = 0, /* not given: inherit */
	PYN_SETTING_SET = 1, /* given: the value below */
	PYN_SETTING_NONE = 2, /* null/none: remove what is inherited */
};

/*
 * One inheritable setting.  Only the member of the union that belongs to
 * the key is ever written (tests of large manifests carry nine of these,
 * so they are kept small).
 */
struct pyn_setting {
	enum pyn_setting_state state;
	struct pyn_loc loc;
	union {
		double seconds; /* wall_time, cpu_time */
		uint64_t bytes; /* memory, output_limit */
		long number; /* retries; isolation (enum pyn_isolation) */
		struct {
			bool flag; /* terminate_child_processes, skip */
			char *text; /* skip reason, wrapper (owned), or NULL */
		};
		struct pyn_expect expect; /* expect */
	};
};

/* `limiters: {NAME: {KEY: VALUE}}` for one limiter (NAME: null removes it). */
struct pyn_limiter_config {
	char *name;
	struct pyn_loc loc;
	bool removed; /* NAME: null */
	struct pyn_limiter_option *options; /* strings owned here */
	/* Where each option's key is; options[i] has its value's place. */
	struct pyn_loc *key_locs;
	size_t n_options;
};

/* The keys every level (defaults, suite, test, override) may set. */
struct pyn_settings {
	struct pyn_setting wall_time;
	struct pyn_setting cpu_time;
	struct pyn_setting memory;
	struct pyn_setting output_limit;
	struct pyn_setting isolation;
	struct pyn_setting terminate_child_processes;
	struct pyn_setting retries;
	struct pyn_setting expect;
	struct pyn_setting skip; /* tests and overrides only */
	struct pyn_setting wrapper; /* a tool's command line (text) */
	/* `process:`: number 1 per-suite, 0 per-test (not at test level) */
	struct pyn_setting process;
	struct pyn_limiter_config *limiters;
	size_t n_limiters;
};

struct pyn_manifest_test {
	char *name;
	struct pyn_loc loc; /* of the entry (name, or the mapping) */
	char *function; /* defaults to name (then the same string) */
	struct pyn_loc function_loc;
	/*
	 * What the entry sets, NULL: nothing.  Most tests of a large
	 * manifest set nothing; a pointer keeps each entry small.
	 */
	struct pyn_settings *settings;
};

struct pyn_manifest_override {
	char *match; /* glob on test ids */
	struct pyn_loc loc;
	struct pyn_settings settings;
};

struct pyn_manifest_suite {
	char *name;
	struct pyn_loc loc; /* of the name value */
	struct pyn_loc entry_loc; /* of the suite's mapping */
	char *library; /* as written, or NULL */
	struct pyn_loc library_loc;
	char *setup, *teardown;
	struct pyn_loc setup_loc, teardown_loc;
	struct pyn_manifest_test *tests;
	size_t n_tests;
	char *discover; /* glob, or NULL */
	struct pyn_loc discover_loc;
	char *cunit; /* CU_SuiteInfo[] symbol, or NULL */
	struct pyn_loc cunit_loc;
	char **cunit_register; /* registration functions */
	struct pyn_loc *cunit_register_locs;
	size_t n_cunit_register;
	char *program; /* as written, or NULL */
	struct pyn_loc program_loc;
	char **args;
	size_t n_args;
	bool has_args;
	char *cwd; /* as written, or NULL */
	struct pyn_loc cwd_loc;
	char **env; /* "NAME=VALUE" */
	size_t n_env;
	struct pyn_manifest_override *overrides;
	size_t n_overrides;
	struct pyn_settings settings;
	/*
	 * `startup: {wall_time, cpu_time, memory}`: the limits of an
	 * imported suite's start-up (a program's main() up to its CUnit run
	 * call, listing its tests), in place of the tests' limits.
	 */
	struct pyn_settings startup;
	struct pyn_loc startup_loc; /* of the key; line 0: not given */
};

struct pyn_manifest {
	char *path; /* as given to the loader (for messages) */
	/*
	 * Made by the runner for a program named on the command line
	 * (`pyntest ./prog`): it has no lines to point at, so messages
	 * name the program instead.  The loader leaves it false.
	 */
	bool command_line;
	char *dir; /* the folder relative paths start from */
	int version; /* 1 */
	struct pyn_settings defaults;
	char **plugins; /* as written */
	struct pyn_loc *plugin_locs;
	size_t n_plugins;
	struct pyn_manifest_suite *suites;
	size_t n_suites;
};

/*
 * Read and validate the manifest at `path`.  On success *manifest is a new
 * manifest (free with pyn_manifest_free); on failure it is NULL and `err`
 * says what and where.
 */
int pyn_manifest_load(struct pyn_manifest **manifest, const char *path,
		      struct pyn_error *err);

/*
 * The same, with every mistake added to `errors` (in the order found; the
 * caller may pyn__error_list_sort() them) rather than only the first.
 */
int pyn_manifest_load_all(struct pyn_manifest **manifest, const char *path,
			  struct pyn__error_list *errors);

/*
 * The same for `len` bytes at `data`, reported under the name `path`;
 * relative paths in it start from `dir` (NULL: the folder of `path`).
 */
int pyn_manifest_load_buffer(struct pyn_manifest **manifest, const char *data,
			     size_t len, const char *path, const char *dir,
			     struct pyn_error *err);

/* The same with every mistake added to `errors`, sorted. */
int pyn_manifest_load_buffer_all(struct pyn_manifest **manifest,
				 const char *data, size_t len, const char *path,
				 const char *dir,
				 struct pyn__error_list *errors);

/* Free a manifest; accepts NULL. */
void pyn_manifest_free(struct pyn_manifest *manifest);

#endif /* PYN_CONFIG_MANIFEST_H */
