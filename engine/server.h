/* SPDX-License-Identifier: MIT */
/*
 * engine/server.h - fork servers: one pyntest-worker --server per
 * library, loaded under the limits of its first test, which clones a
 * child per test with CLONE_PARENT, so the runner is the parent of every
 * test process.
 *
 * Loading is asynchronous: the server's socket and its loading deadline
 * are watched by the engine's event loop (pyn__servers_new's handler), and
 * the tests waiting for it start when it is ready - or, when it died or
 * ran out of time while loading, are spawned instead: each then loads the
 * library itself under its own limits and meets what stopped the server.
 */
#ifndef PYN_ENGINE_SERVER_H
#define PYN_ENGINE_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <pyntest/pyntest.h>

#include "page.h"

struct pyn_engine;
struct pyn__servers;
struct pyn__server;

enum pyn__server_state {
	PYN__SERVER_LOADING = 0,
	PYN__SERVER_READY = 1,
	PYN__SERVER_FAILED = 2,
};

/* Fork-server protocol: one request per test over a unix socket. */
struct pyn__server_request {
	uint32_t magic; /* PYN__PAGE_MAGIC */
	uint32_t n_fds; /* page, result, [out, err], [cgroup], [events] */
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

/*
 * The servers of an engine.  `on_event` is called from the engine's loop
 * when one of a server's fds is readable (pyn__server_state() and
 * pyn__server_event() say what happened).
 */
struct pyn__servers *pyn__servers_new(void (*on_event)(struct pyn_engine *e,
						       struct pyn__server *s));
/* Stop every server; accepts NULL. */
void pyn__servers_free(struct pyn__servers *servers, struct pyn_engine *e);

/*
 * The server for the task of `job` (its library, or its CUnit program
 * with arguments, cwd and environment), started (loading) when there is
 * none yet.  NULL when no server can be made (the engine spawns the test).
 */
struct pyn__server *pyn__servers_get(struct pyn__servers *servers,
				     struct pyn_engine *e,
				     const struct pyn__page *job,
				     const struct pyn_limits *limits);
enum pyn__server_state pyn__server_state(const struct pyn__server *s);
/*
 * 1 when the server of `library` exists and is done loading (READY, or
 * FAILED: its tests are spawned), else 0: asking for it would load the
 * library now.
 */
int pyn__servers_ready(const struct pyn__servers *servers, const char *library);
/* 1 when `pid` is one of the servers (a test may write any pid in its page). */
int pyn__servers_own(const struct pyn__servers *servers, pid_t pid);
/* The server's process (its process group too), 0 when none. */
pid_t pyn__server_pid(const struct pyn__server *s);
/*
 * Kill the server now (it does not answer: stopped, or stuck); it is
 * FAILED from then.  The caller deals with the tests asked of it.
 */
void pyn__server_stop(struct pyn__server *s, struct pyn_engine *e);

/* One of the server's fds is readable: returns the new state. */
enum pyn__server_state pyn__server_event(struct pyn__server *s,
					 struct pyn_engine *e);

/*
 * Ask a READY server to start a test: its page, result memfd, output
 * pipes (may be -1), the cgroup v2 directory `cgroup` (open as
 * `cgroup_fd`, -1: none) to create it in, and the cgroup.events of the
 * test last asked of this server (-1: none), which the new test may start
 * after by itself (page.h, `gate`); with `keep_pidfd`, the server keeps
 * the new test's pidfd for the next request to watch.  Returns 0 (the pid comes with
 * pyn__server_reply, in the order of the requests) with the request's
 * number in *request, or -1 when the server is gone (it is then FAILED).
 */
int pyn__server_send_test(struct pyn__server *s, struct pyn_engine *e,
			  int page_fd, int result_fd, int out_fd, int err_fd,
			  int cgroup_fd, const char *cgroup, int watch_events,
			  int keep_pidfd, uint32_t *request);

/*
 * The child a server that died made for its request number `request`,
 * which it did not answer: the one it took last, if it got as far as the
 * clone (page.h, `served`); else 0.  The caller checks the pid is a
 * child of its own (the page is writable by the tests).
 */
pid_t pyn__server_made(const struct pyn__server *s, uint32_t request);

/*
 * The pid of the oldest request not yet answered, a child of this
 * process: 1 with *pid (and *placed, may be NULL: 1 when it was created
 * in the request's cgroup), 0 when none came yet (only without `wait`),
 * -1 when the server died or could not clone (it is then FAILED).
 */
int pyn__server_reply(struct pyn__server *s, struct pyn_engine *e, pid_t *pid,
		      int *placed, int wait);

#endif /* PYN_ENGINE_SERVER_H */
