/* SPDX-License-Identifier: MIT */
/*
 * limiters/process_tree/internal.h - what the files of the process_tree
 * limiter share (private to it; it is built only against
 * <pyntest/limiter.h>, like a plug-in).
 *
 *   process_tree.c  the limiter: probe, the hooks, the CPU deadline
 *   proc.c          reading /proc: a process's stat, its children
 *   cgroup.c        the cgroup2 provider: count, kill, CPU, kept cgroups
 *   subreaper.c     the subreaper provider: kill a test's orphans
 *   records.c       the tests running now, and their record for the next
 *                   run when this one is killed
 */
#ifndef PYN_LIMITERS_PROCESS_TREE_INTERNAL_H
#define PYN_LIMITERS_PROCESS_TREE_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <pyntest/limiter.h>

/* The host table, from probe() (or the entry point). */
extern const struct pyn_host *pyn__tree_host;

struct pyn__tree_state {
	int provider;
	int terminate;
	pid_t pid;
	unsigned long long start_ticks; /* of the test's process */
	char dir[PATH_MAX];
	/* The runner's children when the test started: never its orphans. */
	pid_t before[256];
	size_t n_before;
	/* Killed by an earlier kill(): not counted twice while dying. */
	pid_t counted[256];
	size_t n_counted;
	int kill_sent; /* cgroup.kill written while the test ran */
	bool emptied; /* the cgroup was seen empty after the test */
	bool killed; /* cgroup.kill was written */
	unsigned token; /* the request's: names the cgroup */
	bool shared; /* memory (cgroup2) may use it too: never kept */
	double cpu_last_s; /* pyn__tree_cpu() in classify, < 0: not read */
	double cpu_base_s; /* cpu.stat of a reused cgroup before the test */
	double cpu_limit_s; /* the test's CPU limit, for the tree (cgroup2) */
	double cpu_used_s; /* > 0: killed for the tree's CPU, having used it */
};

/* proc.c */

struct pyn__tree_proc_stat {
	char state;
	pid_t ppid, pgid, sid;
	unsigned long long start;
};

int pyn__tree_proc_stat(pid_t pid, struct pyn__tree_proc_stat *st);
bool pyn__tree_is_running(pid_t pid);
size_t pyn__tree_children_of(pid_t pid, pid_t *list, size_t n, size_t max);
size_t pyn__tree_descendants_of(pid_t pid, pid_t *list, size_t n, size_t max);

/* cgroup.c */

unsigned pyn__tree_cgroup_procs(const char *dir);
unsigned pyn__tree_cgroup_kill(const char *dir, bool wait, bool *empty,
			       bool *wrote);
double pyn__tree_cgroup_cpu(const char *dir);
double pyn__tree_cpu(const struct pyn__tree_state *s);
int pyn__tree_kept_take(unsigned token, struct pyn__tree_state *s, int use);
int pyn__tree_kept_put(struct pyn__tree_state *s);

/* subreaper.c */

unsigned pyn__tree_subreaper_kill(struct pyn__tree_state *s);

/* records.c */

void pyn__tree_live_set(pid_t old, pid_t pid, unsigned long long start);
bool pyn__tree_live_has(pid_t pid);
void pyn__tree_slots_open(void);
void pyn__tree_kill_dead_runners(void);

#endif
