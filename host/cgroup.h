/* SPDX-License-Identifier: MIT */
/*
 * host/cgroup.h - the cgroup directories the host hands to limiters.
 *
 * One run directory per hierarchy ("unified" for cgroup v2, or a v1
 * controller: "memory", "pids"), named pyntest-<pid> beside the runner's
 * own cgroup, under which limiters make their per-test cgroups.  Uses
 * libc and /sys/fs/cgroup, nothing else of pyntest; the registry and the
 * host table use it.
 */
#ifndef PYN_HOST_CGROUP_H
#define PYN_HOST_CGROUP_H

/*
 * host->cgroup_parent() (limiter.h): the run directory of `hierarchy`,
 * made on first use (after removing what dead runs left there), made
 * again when pyn__cgroup_release_idle() removed it; NULL when none is
 * writable.  Removed, with everything in it, when this process exits.
 * Thread-safe.
 */
const char *pyn__cgroup_parent(const char *hierarchy);

/*
 * Why pyn__cgroup_parent(hierarchy) returned NULL (or could not delegate
 * controllers), "" when it did not fail or was never asked.  For
 * `pyntest --limiters` and the limiters' tests.
 */
const char *pyn__cgroup_why(const char *hierarchy);

/*
 * Remove the run directories nothing was created in yet: probing makes
 * them in every process that registers limiters, and a worker or fork
 * server never uses them nor runs atexit handlers when it is killed.
 */
void pyn__cgroup_release_idle(void);

#endif /* PYN_HOST_CGROUP_H */
