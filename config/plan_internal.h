/* SPDX-License-Identifier: MIT */
/*
 * config/plan_internal.h - what the files that build the plan share
 * (private to config/; the public side is config/plan.h).
 *
 * The plan is built in layers, each a file that uses only the ones above
 * it in this list:
 *
 *   plan_arena.c    the plan's memory (one arena for every string) and
 *                   the build's errors, placed in the manifest
 *   plan_search.c   finding files: libraries and plug-ins on their search
 *                   paths (lt_dlopenext's rules, libtool archives), test
 *                   programs, working folders
 *   plan_inherit.c  a test's final settings from the chain defaults ->
 *                   suite -> test -> overrides, then the command line,
 *                   then the built-ins; limiter options checked
 *   plan_resolve.c  what a found object holds: symbols read with the ELF
 *                   reader (config/elf.h), plug-in entry points, the
 *                   tests of imported CUnit suites (through the runner's
 *                   `enumerate`)
 *   plan_expand.c   suites -> tests: listed ones, `discover:`, imported
 *                   ones, each with its id and settings
 *   plan_select.c   filters (-k) and shards, then the suites' order
 *   plan.c          the entry points: build and release a plan
 *
 * All of it reads the manifest (config/manifest.h) and uses base/ and
 * config/util.h; none of it loads or runs test code.
 */
#ifndef PYN_CONFIG_PLAN_INTERNAL_H
#define PYN_CONFIG_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config/elf.h"
#include "config/manifest.h"
#include "config/plan.h"
#include "config/util.h"

/* ---- plan_arena.c ---------------------------------------------------- */

/* Everything one pyn_plan_build() call works with. */
struct pyn__build {
	struct pyn_plan *plan;
	const struct pyn_plan_options *opt;
	struct pyn_error *err;
	struct pyn__error_list *errors; /* or NULL: stop at the first */
	size_t cap; /* of plan->tests */
	struct pyn__strset ids; /* id -> index in plan->tests */
	struct pyn__strset suites; /* manifest suite name -> manifest index */
	const struct pyn_manifest *m; /* being expanded */
	struct pyn__strset dedup; /* plug-in paths */
	struct pyn__strset interned; /* strings many tests share */
	struct pyn__strset command_line; /* paths of command-line programs */
};

/* `size` zeroed bytes from the arena *arena, or NULL when out of memory. */
void *pyn__arena_alloc(struct pyn__plan_arena **arena, size_t size);
/* Free an arena and everything allocated from it; accepts NULL. */
void pyn__arena_free(struct pyn__plan_arena *a);

/* Fill b->err with "out of memory" and return PYN_ENOMEM. */
int pyn__build_nomem(struct pyn__build *b);
/*
 * Fill b->err with `code` and the message, at `loc` of the manifest being
 * expanded (b->m); returns `code`.
 */
int pyn__build_fail_at(struct pyn__build *b, struct pyn_loc loc, int code,
		       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Report `e`, found by a callback with its own place; returns its code. */
int pyn__build_fail_error(struct pyn__build *b, const struct pyn_error *e);
/*
 * After `rc` from a step: may the build go on to find more mistakes?
 * Only when collecting them (b->errors), and never after out of memory.
 */
bool pyn__build_more(const struct pyn__build *b, int rc);
/* A copy of `s` in the plan's arena (NULL for NULL, or out of memory). */
char *pyn__build_strdup(struct pyn__build *b, const char *s);
/* The same, one copy per distinct string: for what many tests share. */
char *pyn__build_intern(struct pyn__build *b, const char *s);
/* A copy of `n` strings in the arena; NULL when n is 0 or out of memory. */
const char *const *pyn__build_strdup_array(struct pyn__build *b,
					   char *const *src, size_t n);

/* ---- plan_partition.c ----------------------------------------------- */

/*
 * Keep, of the tests selected so far (plan->tests, in plan order), those
 * of shard opt->shard_index of opt->shard_count, by opt->shard_by; the
 * order of those kept is unchanged.  Returns 0, or PYN_ENOMEM.
 */
int pyn__plan_partition(struct pyn__build *b);

/* ---- plan_search.c --------------------------------------------------- */

/*
 * Find `name` as lt_dlopenext would: as given, then with each of `exts`
 * (NULL-terminated), relative names against `base`, then each folder of
 * $env_var (may be NULL), then `last_dir` for a bare name (may be NULL).
 * The real path goes to `out`; what was tried to `tried` ("x{,.so,.la} in
 * the manifest's folder").  When no file was found but a candidate is
 * there and is no regular file (a folder, /dev/zero, a FIFO, a symlink
 * loop), `odd` says what the first such is: "is a FIFO", or with the
 * path when an extension was added: "is a FIFO (PATH.so)"; else "".
 */
bool pyn__find_file(const char *name, const char *base, const char *env_var,
		    const char *last_dir, const char *const *exts, char *out,
		    size_t out_len, char *tried, size_t tried_len, char *odd,
		    size_t odd_len);
/*
 * Find the shared object `name` (`what`: "test library", "plug-in") with
 * the extensions .so and .la: its path into `path`, and the file whose
 * symbols to read into `object` (a libtool archive's shared object).
 * Errors point at `loc`.
 */
int pyn__find_object(struct pyn__build *b, const char *what, const char *name,
		     const char *env_var, const char *last_dir,
		     struct pyn_loc loc, char *path, size_t path_len,
		     char *object, size_t object_len);
/* Suite `s`'s `program:`, found and executable, into `path`. */
int pyn__find_program(struct pyn__build *b, const struct pyn_manifest_suite *s,
		      char *path, size_t path_len);
/*
 * Suite `s`'s `cwd:`, an existing folder, as a real path into `path`
 * (room for PATH_MAX bytes, as realpath() needs).
 */
int pyn__find_cwd(struct pyn__build *b, const struct pyn_manifest_suite *s,
		  char *path);

/* ---- plan_inherit.c -------------------------------------------------- */

/* A test's settings once the chain is resolved. */
struct pyn__inherited {
	struct pyn_limits limits; /* options in the plan's arena */
	struct pyn_expect expect;
	unsigned retries;
	bool skip;
	const char *skip_reason; /* borrowed from the manifest */
	const char *wrapper; /* borrowed from the manifest, or NULL */
	bool shared_process; /* `process: per-suite` */
};

/*
 * Final settings from the chain (defaults, suite, test, overrides...):
 * the manifest's last word wins, then the command line, then built-ins.
 * Limiter options merge key by key; `NAME: null` drops a limiter.
 */
int pyn__plan_inherit(struct pyn__build *b,
		      const struct pyn_settings *const *chain, size_t n,
		      struct pyn__inherited *r);
/* Hand every limiter option of one level to the runner's check. */
int pyn__plan_check_limiters(struct pyn__build *b,
			     const struct pyn_settings *st);

/* ---- plan_resolve.c -------------------------------------------------- */

/* One suite being expanded: its manifest entry and what was found. */
struct pyn__suite_ctx {
	const struct pyn_manifest_suite *s;
	const char *library; /* resolved, arena */
	const char *program; /* resolved, arena */
	const char *cwd; /* resolved, arena */
	const char *const *env;
	const char *const *args;
	const char *const *cunit_register;
	const struct pyn_plan_code *code; /* all of the above, for tests */
};

/*
 * Find a shared object (pyn__find_object) and read its symbols into
 * `syms` (release with pyn__elf_release); errors point at `loc`.
 */
int pyn__plan_open_object(struct pyn__build *b, const char *what,
			  const char *name, const char *env_var,
			  const char *last_dir, struct pyn_loc loc, char *path,
			  size_t path_len, struct pyn_elf_symbols *syms);
/* `kind` function `sym` must be exported code of the library. */
int pyn__plan_check_function(struct pyn__build *b,
			     const struct pyn_elf_symbols *syms,
			     const char *kind, const char *sym,
			     const char *library, struct pyn_loc loc);
/*
 * The symbols suite `s` names besides its tests (setup, teardown,
 * registration functions, the CUnit suite array) must be in `syms`.
 */
int pyn__plan_check_suite_symbols(struct pyn__build *b,
				  const struct pyn_manifest_suite *s,
				  const struct pyn_elf_symbols *syms);
/* Where an imported suite's tests come from, for messages. */
struct pyn_loc pyn__suite_import_loc(const struct pyn_manifest_suite *s);

/* The wall time an imported suite's start-up gets when `startup:` says none. */
#define PYN__STARTUP_WALL_TIME_S 10.0

/*
 * An imported suite's start-up limits (`startup:`, else 10 s of wall
 * time) into the startup_* fields of `l`.
 */
void pyn__plan_startup(const struct pyn_manifest_suite *s,
		       struct pyn_limits *l);
/*
 * List the tests of an imported suite (`cunit:`, `cunit_register:`,
 * `program:`) through the runner's `enumerate`.  On success *cases is
 * the callback's array of *n_cases (the caller frees it and its names).
 */
int pyn__plan_import_list(struct pyn__build *b, const struct pyn__suite_ctx *sc,
			  struct pyn_plan_case **cases, size_t *n_cases);
/* The manifest's `plugins:`: found, entry point checked, deduplicated. */
int pyn__plan_add_plugins(struct pyn__build *b);

/* ---- plan_expand.c --------------------------------------------------- */

/* Add the tests of suite `s` of b->m to the plan. */
int pyn__plan_expand_suite(struct pyn__build *b,
			   const struct pyn_manifest_suite *s);

/* ---- plan_select.c --------------------------------------------------- */

/*
 * Keep the tests the filters and the shard select, number them, and list
 * the suites in order of their first test.
 */
int pyn__plan_select(struct pyn__build *b);

#endif /* PYN_CONFIG_PLAN_INTERNAL_H */
