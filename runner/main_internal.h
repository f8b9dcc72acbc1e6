/* SPDX-License-Identifier: MIT */
/*
 * runner/main_internal.h - what the files of the pyntest program's main
 * share (private to runner/).
 *
 *   program.c    a test program named on the command line, as a
 *                one-suite manifest made in memory
 *   plugins.c    the plug-ins the manifests load, and the plan's check of
 *                limiter options
 *   enforce.c    the limits against this machine: --provider names,
 *                sanitizer scaling, limits nothing here can enforce
 *   selection.c  --last-failed's picks, --shard's durations and its line
 *   run.c        the run itself: signals, console, engine, schedule,
 *                reports, cache, exit code
 *   main.c       the sequence: command line -> manifests -> plan -> run
 */
#ifndef PYN_RUNNER_MAIN_INTERNAL_H
#define PYN_RUNNER_MAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "config/manifest.h"
#include "runner/cli.h"
#include "runner/partition.h"

/* program.c */

/* Is `path` an ELF executable (a CUnit program, SPEC §2) rather than YAML? */
bool pyn__program_is_elf(const char *path);
/* The `index`-th program of the command line as a one-suite manifest. */
int pyn__program_manifest(struct pyn_manifest **m, size_t index,
			  const struct pyn__cli *cli, struct pyn_error *err);

/* plugins.c */

/*
 * Find pyntest's own module folder, then put the plug-ins the manifests
 * name into the registry.
 */
int pyn__plugins_load(struct pyn_manifest *const *ms, size_t n,
		      struct pyn_error *err);
/* pyntest's own module folder; "" when unknown (before pyn__plugins_load). */
const char *pyn__plugins_dir(void);
/* The plan's check of `limiters: {NAME: {KEY: VALUE}}`. */
int pyn__plan_option_check(void *user, const char *limiter,
			   const struct pyn_limiter_option *opt,
			   struct pyn_error *err);

/* enforce.c */

/* --provider L=P names a limiter here and one of its providers. */
int pyn__forces_check(const struct pyn__cli *cli, struct pyn_error *err);
/* Limits of tests built with a sanitizer grow by its factors. */
int pyn__plan_scale_for_sanitizers(struct pyn_plan *plan);
/* Every limit of the plan enforceable here, or --best-effort's warnings. */
int pyn__plan_check_enforceable(const struct pyn_plan *plan, bool best_effort,
				struct pyn_error *err);

/* selection.c */

/* Last time's failures, for --last-failed and --failed-first. */
struct pyn__failed_before {
	char **ids; /* sorted */
	size_t n;
	size_t kept; /* selected tests among them */
};

/* The plan's `keep`: was `id` among last time's failures. */
bool pyn__failed_keep(void *user, const char *id);
/* --last-failed says what it picked, as pytest does. */
void pyn__failed_say(const struct pyn__failed_before *fb, size_t n_tests);
/* The durations a split by time weighs tests with. */
int pyn__shard_durations_load(const struct pyn__cli *cli,
			      struct pyn__durations *d, struct pyn_error *err);
/* One line on stderr: which shard, from where, split how, how many. */
void pyn__shard_say(const struct pyn__cli *cli, const struct pyn__durations *d,
		    size_t n_tests);

/* run.c */

/*
 * Run the plan and write its reports; `cache` is the duration cache's
 * path, or NULL for the one of the manifests.  Returns the exit status
 * (SPEC §4).
 */
int pyn__run(const struct pyn__cli *cli, const struct pyn_plan *plan,
	     const char *cache, const struct pyn__failed_before *fb);

#endif
