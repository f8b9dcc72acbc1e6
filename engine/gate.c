/* SPDX-License-Identifier: MIT */
/*
 * engine/gate.c - a held test's gate (page.h, `gate`): opening it
 * (go), taking it back from a child that may open it itself, and a held
 * test that starts by itself the moment a started test's processes are
 * gone (autostart).  engine/README.md, "Prestarting".
 *
 * May call: timers.c, jobs.c.
 */
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

bool pyn__job_is_self_started(const struct pyn__job *job)
{
	return job->held && job->watch_seq &&
	       __atomic_load_n(&job->page->gate, __ATOMIC_ACQUIRE) == 0;
}

/*
 * Take the gate back from a child that may start by itself: 1 when it
 * had started already (it is to be started, pyn__gate_go()), else 0: it
 * waits for pyn__gate_go() from now on.
 */
int pyn__gate_take(struct pyn__job *job)
{
	uint32_t want = 2;

	if (!job->held || !job->watch_seq)
		return 0;
	if (__atomic_compare_exchange_n(&job->page->gate, &want, 1, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return 0;
	return want == 0;
}

void pyn__gate_go(struct pyn_engine *e, struct pyn__job *job)
{
	uint32_t was;

	job->held = 0;
	job->slot = pyn__bit_take(&e->slots);
	e->pending++;
	job->t_submit = job->t_start = pyn__now();
	was = __atomic_exchange_n(&job->page->gate, 0, __ATOMIC_ACQ_REL);
	if (was == 0 && job->watch_seq) {
		/* It started by itself, when the test before it ended. */
		job->t_submit = job->t_start =
			(double)job->page->started_ns / 1e9;
	} else {
		syscall(SYS_futex, &job->page->gate, FUTEX_WAKE, INT_MAX, NULL,
			NULL, 0);
	}
	/*
	 * Made, or asked of its fork server: its deadline counts from now.
	 * Else (its server still loading) pyn__job_launch() arms it.
	 */
	if (job->pid > 0 || job->launching)
		pyn__timer_set(e, job);
}

static struct pyn__job *find_autostart(struct pyn__job *list)
{
	for (; list; list = list->next)
		if (list->held && list->autostart && !list->cancelled &&
		    !list->killed_by)
			return list;
	return NULL;
}

/*
 * `ended`, a started test, has no process left (killed and waited for,
 * unless it asked to keep them): a held test set to start by itself
 * takes its -j lane now, before `ended`'s result is read, classified and
 * handed to the scheduler, which is then told (pyn__engine_go).  At
 * -j 1 that takes the runner's whole reading of a result off the time
 * between two tests.  Never after an interrupt.
 */
void pyn__gate_autostart(struct pyn_engine *e, struct pyn__job *ended)
{
	struct pyn__job *job;

	if (!ended->reaped || ended->held || ended->cancelled ||
	    ended->slot >= 64 || ended->slot_passed)
		return;
	/* One that watched `ended` may have started already: it has. */
	for (job = e->running; job; job = job->next)
		if (job->watch_seq == ended->seq &&
		    pyn__job_is_self_started(job))
			break;
	if (!job && (e->no_autostart || e->interrupted))
		return;
	if (!job)
		job = find_autostart(e->running);
	if (!job)
		job = find_autostart(e->waiting);
	if (!job)
		return;
	e->slots &= ~((uint64_t)1 << ended->slot);
	ended->slot_passed = 1;
	job->autostarted = 1;
	pyn__gate_go(e, job);
}
