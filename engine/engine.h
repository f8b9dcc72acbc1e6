/* SPDX-License-Identifier: MIT */
/*
 * engine/engine.h - internals shared by the engine and the worker.
 */
#ifndef PYN_ENGINE_ENGINE_H
#define PYN_ENGINE_ENGINE_H

#include <stddef.h>

#include "page.h"

/* Create and map a job page (memfd, MAP_SHARED).  Returns 0 or PYN_E*. */
int pyn__page_new(struct pyn__page **page, int *fd, struct pyn_error *err);
/* Map an existing page fd (worker, fork server). */
/*
 * In a child made without fork() (a fork server's raw clone): forget the
 * pid the engine remembered, so a nested pyn_call names its own cgroups.
 */
void pyn__engine_forget_pid(void);

/* A used page made as new, for the next test (a memset, no syscall). */
void pyn__page_reset(struct pyn__page *page);
struct pyn__page *pyn__page_map(int fd);
void pyn__page_unmap(struct pyn__page *page);
/* Copy a task's strings into the page.  Returns 0 or PYN_ENOMEM (too long). */
int pyn__page_set_task(struct pyn__page *page, const struct pyn_task *task,
		       struct pyn_error *err);

/*
 * Prestarting (engine.c): make the process of the task that will start
 * next while the running ones run; it waits at its page's gate.  `user`
 * names it, as in pyn_engine_submit.  pyn__engine_hold returns 0, 1 when
 * the task cannot be held (a CUnit program, a function: submit it when
 * its turn comes), 2 when not yet (its fork server is not loaded: ask
 * again later), or a negative PYN_E*.  With `autostart`, the engine
 * starts it by itself the moment a started task's processes are all
 * gone, before that task's result is returned: for a caller that starts
 * the next task whatever the last one's result (no stop at the first
 * failure, no rerun).  pyn__engine_go starts it now (from then it is as
 * if submitted: pending, returned by pyn_engine_next), or tells the
 * caller that it started by itself; returns -1 when no such task is
 * held.  pyn__engine_cancel kills it unstarted (it is never returned)
 * and returns 0, or returns 1 when it started by itself: it runs on and
 * is returned like any other.
 *
 * pyn__engine_one_lane(e, 1): the caller runs one task at a time (-j 1)
 * and never starts a held task while a started one runs.  A held task
 * with `autostart` may then watch the one running task itself (its
 * pidfd, which each fork server keeps from its clone, and its
 * cgroup.events, when it is a fork server's test in a cgroup v2 of its
 * own) and start the moment that task's processes are all gone, without
 * waiting for the runner.  Else no clone makes a pidfd nobody watches.
 */
void pyn__engine_one_lane(struct pyn_engine *e, int yes);
struct pyn_engine;
struct pyn_task;
struct pyn_limits;
struct pyn_error;
int pyn__engine_hold(struct pyn_engine *e, const struct pyn_task *task,
		     const struct pyn_limits *limits, void *user, int autostart,
		     struct pyn_error *err);
int pyn__engine_go(struct pyn_engine *e, void *user);
int pyn__engine_cancel(struct pyn_engine *e, void *user);

/* Fork-server protocol: one request per test over a unix socket. */
struct pyn__server_request {
	uint32_t magic;   /* PYN__PAGE_MAGIC */
	uint32_t n_fds;   /* page, result, [out, err], [cgroup], [events] */
	int32_t has_out;
	int32_t has_err;
	/*
	 * 1: the last fd is a cgroup v2 directory, `cgroup` its path: create
	 * the test in it (CLONE_INTO_CGROUP) when the kernel lets us.
	 */
	int32_t has_cgroup;
	/*
	 * 1: the last fd is the cgroup.events of the test asked just
	 * before this one, whose pidfd the server kept from its clone: the
	 * child gets both, to start when that test is gone (page.h, `gate`).
	 */
	int32_t has_watch;
	/*
	 * 1: keep this test's pidfd (CLONE_PIDFD) for the next request to
	 * watch (pyn__engine_one_lane).
	 */
	int32_t keep_pidfd;
	char cgroup[4096];
};
struct pyn__server_reply {
	int32_t pid; /* the test's pid (a child of the runner), or -errno */
	int32_t placed; /* 1: created in the request's cgroup */
};

#endif /* PYN_ENGINE_ENGINE_H */
