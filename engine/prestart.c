/* SPDX-License-Identifier: MIT */
/*
 * engine/prestart.c - the scheduler's prestarting calls (engine.h):
 * hold a task's process at its gate while the running ones run, go,
 * cancel.  engine/README.md, "Prestarting".
 *
 * With every -j lane busy, the scheduler hands the engine the next test
 * ahead of its start: its limiters are set up and its process is made
 * (forked, spawned, or cloned by its fork server) while the running tests
 * run, and its child waits at the page's gate, after its limits are
 * applied and before it loads the library or runs anything of the test.
 * Starting it is then a store and a futex wake instead of a fork; the
 * deadline and the wall time count from the start.  Only library tests:
 * a CUnit program's main() runs before any test (cunit_exec.c).
 *
 * May call: limiter_calls.c, streams.c, jobs.c, gate.c, result.c,
 * exits.c, server.c, submit.c.
 */
#include "engine.h"
#include "internal.h"
#include "server.h"

int pyn__engine_hold(struct pyn_engine *e, const struct pyn_task *task,
		     const struct pyn_limits *limits, void *user, int autostart,
		     struct pyn_error *err)
{
	enum pyn_isolation iso =
		limits ? limits->isolation : PYN_ISOLATION_DEFAULT;

	if (!e || !task || !task->library || task->program ||
	    (task->kind != PYN_TASK_SYMBOL && task->kind != PYN_TASK_CUNIT) ||
	    pyn__limiters_has_subreaper_tree())
		return 1;
	/*
	 * The first test of a library would start its fork server, which
	 * loads the library (its constructors run) while others run.
	 */
	if ((iso == PYN_ISOLATION_DEFAULT || iso == PYN_ISOLATION_FORKSERVER) &&
	    !pyn__servers_ready(e->servers, task->library))
		return 2;
	return pyn__submit(e, task, limits, user, autostart ? 2 : 1, err);
}

void pyn__engine_one_lane(struct pyn_engine *e, int yes)
{
	if (e)
		e->one_lane = !!yes;
}

static struct pyn__job *find_held(struct pyn__job *list, void *user, int parked)
{
	for (; list; list = list->next)
		if ((list->held || parked) && !list->cancelled &&
		    list->user == user)
			return list;
	return NULL;
}

/* `user` started by itself: the scheduler learns it now.  1 if so. */
static int told_started(struct pyn_engine *e, void *user)
{
	struct pyn__job *lists[] = { e->running, e->waiting, e->done };
	struct pyn__job *job;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		for (job = lists[i]; job; job = job->next)
			if (job->autostarted && job->user == user) {
				job->autostarted = 0;
				return 1;
			}
	return 0;
}

int pyn__engine_go(struct pyn_engine *e, void *user)
{
	struct pyn__job *job;

	if (!e)
		return -1;
	job = find_held(e->parked, user, 1);
	if (job) {
		/* It ended while held (its limits could not be applied, or
		 * it was killed): that is its result, as if just started. */
		pyn__job_unlink(&e->parked, job);
		job->held = 0;
		job->res.slot = pyn__bit_take(&e->slots);
		if (job->res.slot < 64)
			e->slots &= ~((uint64_t)1 << job->res.slot);
		job->res.start_s = pyn__now() - e->t0;
		e->pending++;
		pyn__job_done(e, job);
		return 0;
	}
	if (told_started(e, user))
		return 0;
	job = find_held(e->running, user, 0);
	if (!job)
		job = find_held(e->waiting, user, 0);
	if (!job)
		return -1;
	pyn__gate_go(e, job);
	return 0;
}

int pyn__engine_cancel(struct pyn_engine *e, void *user)
{
	struct pyn__job *job;

	if (!e)
		return 0;
	/* Too late: it started by itself, and runs (or ran) as any other. */
	if (told_started(e, user))
		return 1;
	job = find_held(e->running, user, 0);
	if (job && pyn__gate_take(job)) {
		pyn__exit_settle(e, job);
		/*
		 * Started by itself: it runs on, and is started in the books
		 * when the end of the test before it is read (the autostart).
		 */
		if (told_started(e, user) || pyn__job_is_self_started(job))
			return 1;
	}
	job = find_held(e->parked, user, 1);
	if (job) {
		pyn__job_unlink(&e->parked, job);
		pyn__job_free(job);
		return 0;
	}
	job = find_held(e->waiting, user, 0);
	if (job) {
		pyn__job_unlink(&e->waiting, job);
		job->cancelled = 1;
		pyn__job_close_writers(job);
		pyn__job_finish(e, job);
		return 0;
	}
	job = find_held(e->running, user, 0);
	if (!job)
		return 0;
	/* Killed at its gate; pyn__job_finish() drops it when it is reaped. */
	job->cancelled = 1;
	pyn__job_kill(job, PYN_KILL_INTERRUPT, NULL);
	return 0;
}
