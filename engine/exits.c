/* SPDX-License-Identifier: MIT */
/*
 * engine/exits.c - the end of a test's process: watched through its
 * pidfd (or, without pidfd_open, SIGCHLD through a pipe), reaped with
 * wait4 for its rusage, and handed to pyn__job_finish().  A held test
 * that started by itself is settled here: the end of the test it
 * watched is taken first.
 *
 * May call: loop.c, limiter_calls.c, streams.c, timers.c, gate.c,
 * result.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

/*
 * The fallback when the kernel (or valgrind, which does not know syscall
 * 434) has no pidfd_open: a SIGCHLD handler writes a byte into a pipe of
 * every engine that needs it, the pipe is in the engine's epoll, and on
 * each wake-up every running job without a pidfd is tried with
 * wait4(WNOHANG).  The runner is the parent of every test process in
 * every mode (fork servers clone with CLONE_PARENT), so SIGCHLD reaches
 * it.  Test children reset every handler, so this never runs in a test.
 */
#define CHLD_ENGINES 16
static int chld_writers[CHLD_ENGINES] = { -1, -1, -1, -1, -1, -1, -1, -1,
					  -1, -1, -1, -1, -1, -1, -1, -1 };
static struct sigaction chld_prev;
static int chld_installed;

static void on_sigchld_signal(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;
	ssize_t n;
	int i, fd;

	for (i = 0; i < CHLD_ENGINES; i++) {
		fd = __atomic_load_n(&chld_writers[i], __ATOMIC_RELAXED);
		if (fd >= 0)
			n = write(fd, "c", 1);
	}
	(void)n;
	errno = saved;
	/* Chain a handler the caller had, so its own children still work. */
	if (chld_prev.sa_flags & SA_SIGINFO) {
		if (chld_prev.sa_sigaction)
			chld_prev.sa_sigaction(sig, si, uc);
	} else if (chld_prev.sa_handler != SIG_DFL &&
		   chld_prev.sa_handler != SIG_IGN) {
		chld_prev.sa_handler(sig);
	}
}

static void on_exit_event(struct pyn_engine *e, struct pyn__job *job);
static void on_pidfd(struct pyn_engine *e, struct pyn__ev *ev);

static void on_sigchld(struct pyn_engine *e, struct pyn__ev *ev)
{
	struct pyn__job *job, *next;
	char buf[256];

	(void)ev;
	while (read(e->chld_pipe[0], buf, sizeof(buf)) > 0)
		;
again:
	for (job = e->running; job; job = next) {
		next = job->next;
		if (job->pidfd < 0 && job->pid > 0 && !job->reaped) {
			unsigned long reaps = e->reaps;

			on_exit_event(e, job);
			/*
			 * One was taken (this one, or the one it watched:
			 * pyn__exit_settle()): the list changed, maybe under `next`.
			 */
			if (e->reaps != reaps)
				goto again;
		}
	}
}

/* Watch job's process through SIGCHLD; 0, or -1 with errno. */
static int watch_by_sigchld(struct pyn_engine *e, struct pyn__job *job)
{
	struct sigaction sa;
	int i, expect;

	if (!e->chld_on) {
		if (pipe2(e->chld_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
			return -1;
		e->chld_tag.fn = on_sigchld;
		e->chld_tag.phase = PYN__PHASE_EXIT;
		if (pyn__io_start(e, e->chld_pipe[0], &e->chld_tag) != 0)
			goto fail;
		for (i = 0; i < CHLD_ENGINES; i++) {
			expect = -1;
			if (__atomic_compare_exchange_n(
				    &chld_writers[i], &expect, e->chld_pipe[1],
				    0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
				break;
		}
		if (i == CHLD_ENGINES) {
			errno = EMFILE;
			goto fail;
		}
		e->chld_on = 1;
		if (!__atomic_exchange_n(&chld_installed, 1,
					 __ATOMIC_SEQ_CST)) {
			memset(&sa, 0, sizeof(sa));
			sa.sa_sigaction = on_sigchld_signal;
			sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NOCLDSTOP;
			sigemptyset(&sa.sa_mask);
			sigaction(SIGCHLD, &sa, &chld_prev);
		}
	}
	/* It may have ended before the handler was there: look once. */
	if (write(e->chld_pipe[1], "c", 1) < 0 && errno != EAGAIN)
		return -1;
	(void)job;
	return 0;

fail:
	i = errno;
	close(e->chld_pipe[0]);
	close(e->chld_pipe[1]);
	errno = i;
	return -1;
}

void pyn__exits_off(struct pyn_engine *e)
{
	int i;

	if (!e->chld_on)
		return;
	for (i = 0; i < CHLD_ENGINES; i++)
		if (chld_writers[i] == e->chld_pipe[1])
			__atomic_store_n(&chld_writers[i], -1,
					 __ATOMIC_SEQ_CST);
	close(e->chld_pipe[0]);
	close(e->chld_pipe[1]);
	e->chld_on = 0;
}

int pyn__job_watch(struct pyn_engine *e, struct pyn__job *job)
{
	/*
	 * The child makes its own process group first thing; until then
	 * it has no process to lose (the runner kills it by its pidfd too).
	 */
	job->pidfd = (int)syscall(SYS_pidfd_open, job->pid, 0);
	/*
	 * ESRCH: gone already, reaped by someone else (a caller's SIGCHLD
	 * handler): not an error of the test.  The SIGCHLD path looks at it
	 * once, finds it reaped, and takes its end from its page.
	 */
	if (job->pidfd < 0 && (errno == ENOSYS || errno == ESRCH) &&
	    watch_by_sigchld(e, job) == 0)
		goto watched;
	if (job->pidfd < 0) {
		/* Cannot watch it: kill it, and say why. */
		int why = errno;

		kill(job->pid, SIGKILL);
		waitpid(job->pid, NULL, 0);
		snprintf(job->host_error, sizeof(job->host_error),
			 "cannot watch the test's process: pidfd_open: %s",
			 strerror(why));
		job->pid = 0;
		return -1;
	}
	/* pidfd_open sets close-on-exec itself. */
watched:
	pyn__limiters_started(job);
	job->pid_tag.fn = on_pidfd;
	job->pid_tag.phase = PYN__PHASE_EXIT;
	job->pid_tag.job = job;
	if (job->pidfd >= 0)
		pyn__io_start(e, job->pidfd, &job->pid_tag);
	pyn__streams_watch(e, job);
	if (!job->held && job->timerfd < 0)
		pyn__timer_set(e, job);
	return 0;
}

/*
 * When the test ended: the time its child wrote at its end, when it got
 * there and was not killed (the runner may see the exit late: stopped,
 * busy, or the test started by itself meanwhile), else `now`.
 */
static double ended_at(const struct pyn__job *job, double now)
{
	double end = (double)job->page->ended_ns / 1e9;

	if (job->page->ended_ns && !job->killed_by && end >= job->t_start &&
	    end <= now)
		return end;
	return now;
}

static void on_exit_event(struct pyn_engine *e, struct pyn__job *job)
{
	pid_t r;

	/* Taken already (by settle, in a batch or a SIGCHLD round). */
	if (job->reaped)
		return;
	/* Started by itself and ended already: it was started first. */
	pyn__exit_settle(e, job);
	r = wait4(job->pid, &job->status, WNOHANG | __WALL, &job->ru);
	if (r == 0)
		return;
	job->reaped = 1;
	e->reaps++;
	if (r < 0) {
		/*
		 * Reaped by someone else (SIGCHLD ignored, or a handler of the
		 * caller's): the status is lost, but a child that got through
		 * the harness wrote how it ended, and exits accordingly.
		 */
		int state = job->page->state;

		memset(&job->ru, 0, sizeof(job->ru));
		if (state == PYN_CHILD_RETURNED || state == PYN_CHILD_SKIPPED)
			job->status = W_EXITCODE(0, 0);
		else if (state == PYN_CHILD_FAILED)
			job->status = W_EXITCODE(1, 0);
		else
			job->status = W_EXITCODE(0, SIGKILL);
	}
	job->wall = ended_at(job, pyn__now()) - job->t_start;
	pyn__job_unlink(&e->running, job);
	pyn__job_finish(e, job);
}

static void on_pidfd(struct pyn_engine *e, struct pyn__ev *ev)
{
	if (ev->job->pidfd >= 0)
		on_exit_event(e, ev->job);
}

/*
 * A held job whose child started by itself: the test it watched ended,
 * so that test's end is taken first (which starts this job in its lane,
 * pyn__gate_autostart()); when that was taken already, it starts in a
 * lane of its own.  The scheduler learns it as of the autostart.
 */
void pyn__exit_settle(struct pyn_engine *e, struct pyn__job *job)
{
	struct pyn__job *before;

	if (!pyn__job_is_self_started(job))
		return;
	for (before = e->running; before; before = before->next)
		if (before->seq == job->watch_seq && !before->held &&
		    !before->reaped)
			break;
	/* Its pid not said yet by its server: its end is taken later. */
	if (before && (before->launching || before->pid <= 0))
		return;
	if (before)
		on_exit_event(e, before);
	if (job->held && !before) {
		job->autostarted = 1;
		pyn__gate_go(e, job);
	}
}
