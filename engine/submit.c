/* SPDX-License-Identifier: MIT */
/*
 * engine/submit.c - a task submitted: its job made, its isolation mode
 * settled, its limiters set up, its output captured, and started: its
 * process made, or asked of its fork server, or (the server still
 * loading) a place in e->waiting.  Held jobs (prestart.c) too.
 *
 * May call: loop.c, limiter_calls.c, streams.c, jobs.c, result.c,
 * server.c, server_jobs.c.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <base/isolation.h>

#include "abi.h"
#include "instrument.h"
#include "internal.h"
#include "server.h"

/*
 * Start a job: its output pipes, then its process - or, when its fork
 * server is still loading, a place in e->waiting.  Puts the job in
 * e->running, e->waiting, or (failed) e->done.
 */
static void start(struct pyn_engine *e, struct pyn__job *job)
{
	if (job->limits.capture_output && pyn__streams_open(e, job) != 0) {
		pyn__job_finish(e, job);
		return;
	}
	if (job->isolation == PYN_ISOLATION_FORKSERVER) {
		job->server = pyn__servers_get(e->servers, e, job->page,
					       &job->limits);
		if (pyn__server_state(job->server) == PYN__SERVER_LOADING) {
			/*
			 * At the tail: tests start in the order they came
			 * (the scheduler submits the longest known first).
			 */
			struct pyn__job **pp = &e->waiting;

			while (*pp)
				pp = &(*pp)->next;
			job->next = NULL;
			*pp = job;
			return;
		}
	}
	if (pyn__job_launch(e, job) != 0) {
		pyn__job_finish(e, job);
		return;
	}
	job->next = e->running;
	e->running = job;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PYN_SELF_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define PYN_SELF_SANITIZED 1
#endif
#endif

/*
 * A library built with a sanitizer needs its runtime first in the
 * process, and its leaks must be its own: this process is neither (a
 * runtime the user preloaded into pyntest has seen pyntest's heap), so
 * its tests run in pyntest-worker-san (spawn.c) with the runtime
 * preloaded - in spawn mode where fork was asked for.  Unless pyntest
 * itself is built with a sanitizer: then fork mode stays.
 */
static void instrument(struct pyn_engine *e, struct pyn__job *job,
		       const struct pyn_task *task)
{
	const char *file = task->program ? task->program : task->library;
	const struct pyn__instrument *in;

	if (task->kind == PYN_TASK_FUNCTION || !file)
		return;
	in = pyn__instrument_of(&e->instr, file);
	if (!in || !in->sanitizers)
		return;
	job->instr = in;
#ifndef PYN_SELF_SANITIZED
	/*
	 * Not in pyntest's own sanitized build, whose fixtures are all
	 * built with it: its tests check pyntest, not each fixture's heap.
	 */
	job->page->leak_check =
		(in->sanitizers & (PYN__SAN_ASAN | PYN__SAN_LSAN)) != 0;
#endif
#ifndef PYN_SELF_SANITIZED
	if (job->isolation == PYN_ISOLATION_FORK)
		job->isolation = PYN_ISOLATION_SPAWN;
#endif
}

/*
 * ASan and TSan reserve terabytes of address space for their shadow at
 * start: under RLIMIT_AS they cannot start at all.  Their tests' memory
 * limits need a cgroup provider, which counts what the test touches.
 */
static int refused(struct pyn__job *job)
{
	const struct pyn__limiter_slot *slot;
	char names[128];

	if (!job->instr || !job->limits.memory_bytes ||
	    !(job->instr->sanitizers & (PYN__SAN_ASAN | PYN__SAN_TSAN)))
		return 0;
	slot = pyn__registry_enforcer(PYN_ENFORCES_MEMORY);
	if (!slot || strcmp(slot->provider, "rlimit") != 0)
		return 0;
	pyn__sanitizer_names(job->instr->sanitizers, names, sizeof(names));
	snprintf(job->host_error, sizeof(job->host_error),
		 "memory limit: the rlimit provider of limiter '%s' cannot "
		 "limit a test built with %s (its shadow memory reserves "
		 "terabytes of address space, which RLIMIT_AS counts): use a "
		 "cgroup provider (PYNTEST_PROVIDERS=%s=cgroup2 or cgroup1)",
		 slot->limiter->name, names, slot->limiter->name);
	return 1;
}

/* Fork, spawn or fork server, as the limits ask and this process can. */
static void isolation(struct pyn_engine *e, struct pyn__job *job,
		      const struct pyn_task *task)
{
	job->isolation = job->limits.isolation;
	if (task->kind == PYN_TASK_FUNCTION)
		job->isolation = PYN_ISOLATION_FORK;
	else if (job->isolation == PYN_ISOLATION_DEFAULT)
		job->isolation = PYN__LIBRARY_ISOLATION;
	/* A CUnit program's image is not ours to fork: it runs its own. */
	if (task->program && job->isolation == PYN_ISOLATION_FORK)
		job->isolation = PYN_ISOLATION_SPAWN;
	if (job->isolation == PYN_ISOLATION_FORK &&
	    task->kind != PYN_TASK_FUNCTION && e->worker[0] &&
	    !dlsym(RTLD_DEFAULT, "pyn__cunit_hook_present")) {
		if (!e->warned_hook)
			pyn__warn(e,
				  "this program does not export the CUnit hook "
				  "(pyntest_cunit_hook): running library tests "
				  "in spawn mode instead of fork");
		e->warned_hook = 1;
		job->isolation = PYN_ISOLATION_SPAWN;
	}
	if (job->isolation != PYN_ISOLATION_FORK && !e->worker[0] &&
	    !task->program) {
		pyn__warn(e,
			  "cannot find pyntest-worker (set PYNTEST_WORKER): "
			  "running '%s' in fork mode",
			  task->name ? task->name : "?");
		job->isolation = PYN_ISOLATION_FORK;
	}
	instrument(e, job, task);
	if (job->isolation == PYN_ISOLATION_FORKSERVER && !pyn__servers_need(e))
		job->isolation = PYN_ISOLATION_SPAWN;
	/*
	 * A wrapper execs the worker under its tool: spawn, whatever was
	 * asked (a fork server's children are clones, never exec'd).  A
	 * function or a CUnit program has no worker to wrap.
	 */
	if (job->wrapper && task->kind != PYN_TASK_FUNCTION && !task->program &&
	    e->worker[0])
		job->isolation = PYN_ISOLATION_SPAWN;
	else if (job->wrapper) {
		if (!e->warned_wrapper)
			pyn__warn(e,
				  "the wrapper '%s' runs only a library's "
				  "tests (spawn mode): '%s' runs without it",
				  job->wrapper[0],
				  task->name ? task->name : "?");
		e->warned_wrapper = 1;
		free(job->wrapper);
		job->wrapper = NULL;
	}
}

int pyn__submit(struct pyn_engine *e, const struct pyn_task *task,
		const struct pyn_limits *limits, void *user, int held,
		struct pyn_error *err)
{
	struct pyn_limits lim;
	struct pyn__job *job;
	int rc;

	if (!e || !task)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no engine or no task");
	rc = pyn__limits_read(limits, &lim, err);
	if (rc)
		return rc;
	limits = &lim;
	if (task->kind == PYN_TASK_FUNCTION && !task->fn)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "task '%s' has no function",
				     task->name ? task->name : "?");
	if (task->kind != PYN_TASK_FUNCTION && !task->library && !task->program)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "task '%s' has no library",
				     task->name ? task->name : "?");
	rc = pyn__job_new(e, task, limits, user, &job, err);
	if (rc)
		return rc;
	isolation(e, job, task);
	job->lane = pyn__bit_take(&e->lanes_busy);
	if (held) {
		job->held = 1;
		job->autostart = held == 2;
		job->slot = 64;
		job->page->gate = 1;
	} else {
		job->slot = pyn__bit_take(&e->slots);
		e->pending++;
	}
	rc = pyn__limiters_setup(job, task->name, 0);
	/* Options are borrowed: used only during setup. */
	job->limits.options = NULL;
	job->limits.n_options = 0;
	if (rc == 0 && !refused(job))
		start(e, job);
	else
		pyn__job_finish(e, job);
	return 0;
}

int pyn_engine_submit(struct pyn_engine *e, const struct pyn_task *task,
		      const struct pyn_limits *limits, void *user,
		      struct pyn_error *err)
{
	return pyn__submit(e, task, limits, user, 0, err);
}
