/* SPDX-License-Identifier: MIT */
/*
 * runner/partition.h - where a sharded run's shard comes from (the command
 * line or a CI system's environment) and the durations a split by time
 * weighs tests with (partition.c).  The split itself is the plan's
 * (config/plan_partition.c).
 */
#ifndef PYN_RUNNER_PARTITION_H
#define PYN_RUNNER_PARTITION_H

#include <stddef.h>

struct pyn__cli;
struct pyn_error;
struct pyn__timing;

/*
 * When --shard was not given, take the shard from the first CI system's
 * variables that are set (docs/sharding.md, in this order): Bazel,
 * GoogleTest, GitLab, CircleCI, Buildkite, then Kubernetes'
 * JOB_COMPLETION_INDEX with --shard-total.  Fills cli->shard_* and
 * cli->shard_source.  Returns 0, or PYN_EUSAGE naming the variables.
 */
int pyn__partition_from_env(struct pyn__cli *cli, struct pyn_error *err);

/* Known durations by id, for PYN_SHARD_BY_TIME. */
struct pyn__durations {
	struct pyn__timing *t; /* sorted by id */
	size_t n;
	char source[512]; /* what they came from, for people */
};

/*
 * Load durations from `path`: a JUnit report (any JUnit XML: each
 * <testcase>'s classname "." name and time; a test listed more than once
 * keeps its longest time) or a pyntest duration cache file ("SECONDS ID"
 * lines).  Returns 0, or PYN_EUSAGE when the file cannot be read or holds
 * no duration.
 */
int pyn__durations_load(struct pyn__durations *d, const char *path,
			struct pyn_error *err);
/* The plan's `duration` callback: `user` is a struct pyn__durations. */
double pyn__durations_get(void *user, const char *id);
void pyn__durations_release(struct pyn__durations *d);

#endif /* PYN_RUNNER_PARTITION_H */
