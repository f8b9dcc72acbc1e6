/* SPDX-License-Identifier: MIT */
/*
 * runner/merge.h - `pyntest merge` (merge.c): shard reports -> one.
 */
#ifndef PYN_RUNNER_MERGE_H
#define PYN_RUNNER_MERGE_H

/*
 * `pyntest merge ARGS`: argv[0] is "merge".  Returns the exit status:
 * 0 merged, 1 a test in two reports or a shard twice or missing (nothing
 * written), 3 an internal error, 4 a usage error (unreadable or broken
 * report, bad option).
 */
int pyn__merge_main(int argc, char **argv);

#endif /* PYN_RUNNER_MERGE_H */
