/* SPDX-License-Identifier: MIT */
/*
 * engine/engine.c - the engine behind <pyntest/pyntest.h>: made, run
 * (pyn_engine_next hands out results, else turns the loop), interrupted
 * and freed.  The rest of it is in the files internal.h lists.
 *
 * May call: every other file of the engine's parent side.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "instrument.h"
#include "internal.h"
#include "server.h"

/*
 * pyn_engine_interrupt() was called: every running test is killed
 * (killed_by = INTERRUPT), those asked of a fork server that has not
 * said their pids too (the server is killed), and those waiting for a
 * loading server never start.
 */
static void on_interrupt(struct pyn_engine *e, struct pyn__ev *ev)
{
	uint64_t v;
	struct pyn__job *job;
	ssize_t n = read(e->intr_fd, &v, sizeof(v));

	(void)ev;
	(void)n;
	if (!e->interrupted)
		return;
	e->interrupted = 0;
	/*
	 * No held test starts by itself from now on; one that did is
	 * started (and killed below with the others).
	 */
again:
	for (job = e->running; job; job = job->next) {
		if (pyn__gate_take(job)) {
			pyn__exit_settle(e, job);
			if (!job->held)
				goto again; /* the list changed */
		}
	}
	e->no_autostart = 1;
	for (job = e->running; job; job = job->next)
		pyn__job_kill(job, PYN_KILL_INTERRUPT, NULL);
	/*
	 * Asked of a fork server that has not said their pids: it may
	 * never (stopped).  Killed, it answers for them at once: the child
	 * it made (in the page) is killed, else the test never starts.
	 */
	while (e->launching)
		pyn__server_unresponsive(e, e->launching->server, 0);
	/* Tests still waiting for their fork server never start. */
	while (e->waiting) {
		job = e->waiting;
		e->waiting = job->next;
		job->next = NULL;
		job->killed_by = PYN_KILL_INTERRUPT;
		/*
		 * Its fork server was loading the library: that is where the
		 * time went since the test was submitted.
		 */
		job->t_start = job->t_submit;
		job->wall = pyn__now() - job->t_submit;
		job->page->state = PYN_CHILD_LOADING;
		pyn__job_close_writers(job);
		pyn__job_finish(e, job);
	}
}

struct pyn_engine *pyn_engine_new(const struct pyn_engine_options *options,
				  struct pyn_error *err)
{
	struct pyn_engine_options opts;
	struct pyn_engine *e;
	struct pyn_error rerr;
	size_t i;

	if (pyn__engine_options_read(options, &opts, err))
		return NULL;
	options = &opts;
	e = calloc(1, sizeof(*e));
	if (!e) {
		pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0, "out of memory");
		return NULL;
	}
	if (pyn__registry_init(&rerr) != 0) {
		pyn_error_set(err, rerr.code, NULL, 0, 0, "%s", rerr.message);
		free(e);
		return NULL;
	}
	pyn__registry_set_engine_owns(pyn__engine_owns);
	e->intr_fd = -1;
	e->patience_fd = -1;
	e->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (e->epfd < 0)
		goto out_sys;
	e->intr_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e->intr_fd < 0)
		goto out_sys;
	e->intr_tag.fn = on_interrupt;
	e->intr_tag.phase = PYN__PHASE_INPUT;
	e->watch_fd = -1;
	for (i = 0; i < PYN__LANES; i++)
		e->lanes[i].out[0] = e->lanes[i].out[1] = e->lanes[i].err[0] =
			e->lanes[i].err[1] = -1;
	if (pyn__io_start(e, e->intr_fd, &e->intr_tag) != 0)
		goto out_sys;
	e->t0 = pyn__now();
	e->warn = options->warn;
	e->warn_user = options->warn_user;
	pyn__worker_find(e, options->worker_path);
	return e;

out_sys:
	pyn_error_set(err, PYN_ESYSTEM, NULL, 0, 0,
		      "cannot create the engine's event loop: %s",
		      strerror(errno));
	if (e->intr_fd >= 0)
		close(e->intr_fd);
	if (e->epfd >= 0)
		close(e->epfd);
	free(e);
	return NULL;
}

unsigned pyn_engine_pending(const struct pyn_engine *engine)
{
	return engine ? engine->pending : 0;
}

void pyn_engine_interrupt(struct pyn_engine *engine)
{
	uint64_t one = 1;
	ssize_t n;

	if (!engine)
		return;
	engine->interrupted = 1;
	n = write(engine->intr_fd, &one, sizeof(one));
	(void)n;
}

int pyn_engine_next(struct pyn_engine *e, int watch_fd, struct pyn_result *res,
		    void **user, struct pyn_error *err)
{
	struct pyn__job *job;
	int rc;

	if (!e || !res)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no engine or no result");
	if (pyn__result_check(res, err))
		return PYN_EINVAL;
	if ((watch_fd >= 0 || e->watch_fd >= 0) &&
	    pyn__loop_watch(e, watch_fd) != 0)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "cannot watch fd %d: %s", watch_fd,
				     strerror(errno));
	e->watched = 0;
	for (;;) {
		if (e->done) {
			job = e->done;
			e->done = job->next;
			if (!e->done)
				e->done_tail = NULL;
			e->pending--;
			pyn__result_deliver(res, &job->res);
			if (user)
				*user = job->user;
			pyn__job_free(job);
			rc = 1;
			break;
		}
		if (e->watched) {
			rc = 0;
			break;
		}
		if (!e->running && !e->waiting && watch_fd < 0) {
			rc = pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
					   "no task is running");
			break;
		}
		rc = pyn__loop_run(e, err);
		if (rc)
			break;
	}
	return rc;
}

void pyn_engine_free(struct pyn_engine *e)
{
	struct pyn__job *job, *next;
	int st;

	if (!e)
		return;
	/*
	 * Started but not known yet.  A server may never answer (stopped):
	 * killed, the test it made is in the page.
	 */
	while (e->launching) {
		job = e->launching;
		e->launching = job->lnext;
		job->launching = 0;
		pyn__server_stop(job->server, e);
		job->pid = pyn__server_lost_child(job);
	}
	for (job = e->running; job; job = next) {
		next = job->next;
		pyn__job_kill(job, PYN_KILL_INTERRUPT, NULL);
		if (job->pid > 0 && wait4(job->pid, &st, __WALL, &job->ru) > 0)
			job->status = st;
		pyn__io_close(e, &job->pidfd);
		pyn__io_close(e, &job->timerfd);
		pyn__streams_close(e, job);
		pyn__limiters_teardown(job);
		pyn__job_free(job);
	}
	for (job = e->waiting; job; job = next) {
		next = job->next;
		pyn__job_close_writers(job);
		pyn__streams_close(e, job);
		pyn__limiters_teardown(job);
		pyn__job_free(job);
	}
	for (job = e->done; job; job = next) {
		next = job->next;
		pyn__job_free(job);
	}
	for (job = e->parked; job; job = next) {
		next = job->next;
		pyn__job_free(job);
	}
	pyn__cgroups_close(e);
	pyn__lanes_close(e);
	pyn__pages_free(e);
	pyn__servers_free(e->servers, e);
	pyn__instrument_free(e->instr);
	if (e->patience_fd >= 0)
		close(e->patience_fd);
	pyn__exits_off(e);
	close(e->intr_fd);
	close(e->epfd);
	free(e);
}
