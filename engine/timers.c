/* SPDX-License-Identifier: MIT */
/*
 * engine/timers.c - timerfds: a test's deadline, an absolute
 * CLOCK_MONOTONIC time from its start, and what its expiry does (its
 * limiter looks again, or the test is killed); the one patience timer of
 * the tests asked of fork servers (its handler is server_jobs.c's).
 *
 * May call: loop.c, limiter_calls.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "internal.h"

/*
 * Timer `fd` at `at` (CLOCK_MONOTONIC seconds; past: at once, never 0,
 * which would disarm it).  Returns timerfd_settime's result.
 */
int pyn__timer_at(int fd, double at)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)at;
	its.it_value.tv_nsec = (long)((at - (double)(time_t)at) * 1e9);
	if (its.it_value.tv_nsec >= 1000000000L)
		its.it_value.tv_nsec = 999999999L;
	if (its.it_value.tv_sec <= 0 && its.it_value.tv_nsec <= 0)
		its.it_value.tv_nsec = 1;
	return timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

void pyn__timer_arm_at(struct pyn__job *job, double at)
{
	pyn__timer_at(job->timerfd, at);
}

void pyn__timer_arm(struct pyn__job *job)
{
	struct itimerspec off;

	job->timer_postponed = 0;
	if (job->deadline_s > 0) {
		pyn__timer_arm_at(job, job->t_start + job->deadline_s);
		return;
	}
	memset(&off, 0, sizeof(off));
	timerfd_settime(job->timerfd, 0, &off, NULL);
}

/*
 * The job's deadline from job->t_start.  A test without one asked of its
 * fork server gets the engine's patience timer instead (server_jobs.c).
 */
void pyn__timer_set(struct pyn_engine *e, struct pyn__job *job)
{
	if (job->deadline_s <= 0) {
		if (job->launching && !job->held)
			pyn__patience_arm(e, job->t_start +
						     PYN__SERVER_PATIENCE_S);
		return;
	}
	if (job->timerfd < 0) {
		/* Non-blocking: an event of an earlier arming may come. */
		job->timerfd = timerfd_create(CLOCK_MONOTONIC,
					      TFD_CLOEXEC | TFD_NONBLOCK);
		if (job->timerfd < 0) {
			pyn__warn(
				e, "cannot create a timer for '%s': %s",
				pyn__page_str(job->page, job->page->task.name),
				strerror(errno));
			return;
		}
		pyn__io_start(e, job->timerfd, &job->timer_tag);
	}
	pyn__timer_arm(job);
}

void pyn__patience_arm(struct pyn_engine *e, double at)
{
	if (e->patience_armed)
		return;
	if (e->patience_fd < 0) {
		e->patience_fd = timerfd_create(CLOCK_MONOTONIC,
						TFD_CLOEXEC | TFD_NONBLOCK);
		if (e->patience_fd < 0)
			return;
		if (pyn__io_start(e, e->patience_fd, &e->patience_tag) != 0) {
			close(e->patience_fd);
			e->patience_fd = -1;
			return;
		}
	}
	if (pyn__timer_at(e->patience_fd, at) == 0)
		e->patience_armed = 1;
}

/*
 * A CUnit suite in one process (engine/shared_suite.c): each test's
 * deadline counts from its own start, which the child writes into the
 * page.  The deadline came while a test that started later runs: the
 * timer is armed again for that test's, and true is returned.
 */
static bool shared_later(struct pyn__job *job)
{
	uint64_t ns;
	double at;

	if (!job->page)
		return false;
	ns = __atomic_load_n(&job->page->shared_started_ns, __ATOMIC_ACQUIRE);
	if (!ns)
		return false;
	at = (double)ns / 1e9 + job->deadline_s;
	if (at <= pyn__now())
		return false;
	pyn__timer_arm_at(job, at);
	return true;
}

/*
 * A deadline came.  Its limiter may look again (a CPU budget of the whole
 * process tree, say) and ask for a later one: then the same timerfd is
 * armed for the next earliest deadline, no polling.
 */
void pyn__timer_expired(struct pyn__job *job, double elapsed)
{
	/* Only the server's patience was armed (no deadline): done. */
	if (job->deadline_s <= 0)
		return;
	/*
	 * Ended by itself, its exit not read yet (this runner was late:
	 * stopped, or busy): no kill; its exit, and the time its child wrote
	 * at its end, tell how it ended.
	 */
	if (job->pid > 0 && !job->reaped && pyn__pid_has_exited(job->pid))
		return;
	if (!job->killed_by && shared_later(job))
		return;
	if (!job->killed_by && pyn__limiters_deadline(job, elapsed)) {
		pyn__timer_arm(job);
		return;
	}
	pyn__job_kill(job, PYN_KILL_DEADLINE, job->deadline_killer);
}

void pyn__timer_on_deadline(struct pyn_engine *e, struct pyn__ev *ev)
{
	struct pyn__job *job = ev->job;
	uint64_t v;

	(void)e;
	if (job->timerfd < 0)
		return;
	/* Nothing expired: an event of an earlier arming (re-armed since). */
	if (read(job->timerfd, &v, sizeof(v)) < 0)
		return;
	pyn__timer_expired(job, pyn__now() - job->t_start);
}
