/* SPDX-License-Identifier: MIT */
/*
 * runner/paths.h - report paths checked before anything runs: writable,
 * and never one of the user's inputs or another report.
 */
#ifndef PYN_RUNNER_PATHS_H
#define PYN_RUNNER_PATHS_H

#include <pyntest/pyntest.h>

#include "config/plan.h"

/*
 * A report path that cannot be written is a usage error before anything
 * runs, not a surprise after every test did.  `what` names it in
 * messages ("option '-o/--junit-xml'").  Returns 0 or PYN_EUSAGE.
 */
int pyn__report_path_check(const char *what, const char *path,
			   struct pyn_error *err);

/* One report path the run will write: its option, its path. */
struct pyn__report_path {
	const char *what;
	const char *path;
};

/*
 * None of the `n` reports may be the same file as another, a manifest
 * (`manifests`), or a file the plan reads (test libraries, programs,
 * plug-ins; `plan` may be NULL before it is built).  Same file: same
 * device and inode where it exists, else the same canonical path.
 * Returns 0 or PYN_EUSAGE naming both.
 */
int pyn__report_paths_clash(const struct pyn__report_path *reports, size_t n,
			    const char *const *manifests, size_t n_manifests,
			    const struct pyn_plan *plan, struct pyn_error *err);

#endif /* PYN_RUNNER_PATHS_H */
