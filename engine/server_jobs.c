/* SPDX-License-Identifier: MIT */
/*
 * engine/server_jobs.c - the tests asked of fork servers, the runner's
 * side: asking (the request goes out, the pid comes back as an event,
 * in the order asked), the servers' events (done loading: the tests
 * waiting for it start; replies: their pids), and a server lost (died,
 * or killed for not answering: each test asked of it is found, if it
 * made it, or started anew).  engine/README.md, "Fork servers".
 *
 * May call: loop.c, limiter_calls.c, cgroups.c, streams.c, timers.c,
 * jobs.c, result.c, exits.c, spawn.c, server.c.
 */
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "server.h"

/* The oldest job asked of `server` and not yet answered, taken out. */
static struct pyn__job *launching_pop(struct pyn_engine *e,
				      struct pyn__server *server)
{
	struct pyn__job **pp, *job;

	for (pp = &e->launching; *pp; pp = &(*pp)->lnext) {
		if ((*pp)->server != server)
			continue;
		job = *pp;
		*pp = job->lnext;
		job->lnext = NULL;
		job->launching = 0;
		return job;
	}
	return NULL;
}

static int has_launching(const struct pyn_engine *e,
			 const struct pyn__server *server)
{
	const struct pyn__job *job;

	for (job = e->launching; job; job = job->lnext)
		if (job->server == server)
			return 1;
	return 0;
}

/*
 * The host table's engine_owns() (limiter.h), for a kill() of a test of
 * the engine pyn__limiters_killing(): its running tests, those asked of
 * a fork server (the pid the kernel or the child wrote into a page
 * before the server said it; or, before the child made its own process
 * group, still in the server's), and its fork servers.  Another
 * engine's tests, on another thread, the limiter knows from started().
 */
int pyn__engine_owns(pid_t pid, pid_t pgid)
{
	const struct pyn_engine *e = pyn__limiters_killing();
	const struct pyn__job *job;

	if (!e || pid <= 0)
		return 0;
	for (job = e->running; job; job = job->next)
		if (job->pid == pid)
			return 1;
	for (job = e->launching; job; job = job->lnext) {
		if (job->page && job->page->child_pid == pid)
			return 1;
		if (pyn__server_made(job->server, job->request) == pid)
			return 1;
		if (pgid > 0 && pyn__server_pid(job->server) == pgid)
			return 1;
	}
	return pyn__servers_own(e->servers, pid);
}

/* Its fork server is gone: the test loads the library itself. */
static void relaunch(struct pyn_engine *e, struct pyn__job *job)
{
	/* Interrupted meanwhile: it never runs. */
	if (job->killed_by) {
		pyn__job_close_writers(job);
		pyn__job_unlink(&e->running, job);
		job->wall = pyn__now() - job->t_start;
		pyn__job_finish(e, job);
		return;
	}
	job->isolation = PYN_ISOLATION_SPAWN;
	if (pyn__job_launch(e, job) != 0) {
		pyn__job_unlink(&e->running, job);
		pyn__job_finish(e, job);
		return;
	}
	/* Its deadline counted from the request: now from the spawn. */
	if (!job->held && job->timerfd >= 0)
		pyn__timer_arm(job);
}

/* The process of a launching job exists: watch it. */
static void launched(struct pyn_engine *e, struct pyn__job *job, pid_t pid)
{
	pyn__job_close_writers(job);
	job->pid = pid;
	if (pyn__job_watch(e, job) != 0) {
		pyn__job_unlink(&e->running, job);
		pyn__job_finish(e, job);
		return;
	}
	/*
	 * Interrupted, or past its deadline, while being started: killed
	 * now (unless interrupted and it ended already: pyn__job_kill()).
	 */
	if (job->killed_by) {
		int reason = job->killed_by;

		job->killed_by = 0;
		pyn__job_kill(job, reason, job->killer);
	}
	/*
	 * Its own deadline again (at once, if it passed meanwhile), unless
	 * it ended already: found after its server was killed, it may be
	 * what stopped it.  Its exit tells how it ended.
	 */
	else if (job->timer_postponed && job->timerfd >= 0 &&
		 !pyn__pid_has_exited(pid))
		pyn__timer_arm(job);
}

/*
 * The pid of a job whose fork server died before it said: the one the
 * kernel wrote into the server's own page at the clone (the request it
 * took last), or its child into the job's page first thing, if it is a
 * child of ours (both pages are the tests' to scribble on), else 0: no
 * child was made.
 */
pid_t pyn__server_lost_child(const struct pyn__job *job)
{
	pid_t pid = pyn__server_made(job->server, job->request);
	const struct pyn__job *other;
	siginfo_t si;

	if (pid <= 0)
		pid = job->page->child_pid;
	if (pid <= 0 || pyn__servers_own(job->engine->servers, pid))
		return 0;
	/* Not the process of another test (the page is the test's). */
	for (other = job->engine->running; other; other = other->next)
		if (other != job && other->pid == pid)
			return 0;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
		return 0;
	return pid;
}

/*
 * Its fork server died with this job asked and not answered (a test
 * may kill it): the child it made is the test, else it starts anew.
 */
static void server_lost(struct pyn_engine *e, struct pyn__job *job)
{
	pid_t pid = pyn__server_lost_child(job);

	if (pid > 0)
		launched(e, job, pid);
	else
		relaunch(e, job);
}

/* `server` is gone: every job asked of it and not answered. */
static void servers_lost(struct pyn_engine *e, struct pyn__server *server)
{
	struct pyn__job *job;

	if (!server || pyn__server_state(server) == PYN__SERVER_READY)
		return;
	while ((job = launching_pop(e, server)))
		server_lost(e, job);
}

/*
 * A READY server did not answer for a test within the test's deadline
 * and PYN__SERVER_PATIENCE_S, or the run was interrupted meanwhile: stopped
 * (SIGSTOP from a test), or stuck.  Killed, every test asked of it is
 * then found (its child wrote its pid into the page) or started anew
 * without it (spawned, or finished unstarted when it was killed
 * meanwhile).
 */
void pyn__server_unresponsive(struct pyn_engine *e, struct pyn__server *server,
			      int late)
{
	if (late)
		pyn__warn(e,
			  "a fork server did not start a test within %.0f s "
			  "or its deadline (stopped?): killed; later tests of "
			  "its library are spawned",
			  PYN__SERVER_PATIENCE_S);
	pyn__server_stop(server, e);
	servers_lost(e, server);
}

/*
 * The patience timer: a server that has not said the pid of a test
 * without a deadline for PYN__SERVER_PATIENCE_S is given up; then the timer
 * waits for the oldest such test left.
 */
static void on_patience(struct pyn_engine *e, struct pyn__ev *ev)
{
	struct pyn__job *job;
	double now = pyn__now(), oldest = 0;
	uint64_t v;

	(void)ev;
	if (read(e->patience_fd, &v, sizeof(v)) < 0)
		return;
	e->patience_armed = 0;
again:
	for (job = e->launching; job; job = job->lnext) {
		if (job->deadline_s > 0 || job->held || job->killed_by)
			continue;
		if (now - job->t_start >= PYN__SERVER_PATIENCE_S) {
			pyn__server_unresponsive(e, job->server, 1);
			goto again; /* e->launching changed */
		}
		if (!oldest || job->t_start < oldest)
			oldest = job->t_start;
	}
	if (oldest)
		pyn__patience_arm(e, oldest + PYN__SERVER_PATIENCE_S);
}

/* The pids of started tests, from a READY server. */
static void on_replies(struct pyn_engine *e, struct pyn__server *server)
{
	struct pyn__job *job;
	pid_t pid;
	int rc, placed;

	for (;;) {
		rc = pyn__server_reply(server, e, &pid, &placed, 0);
		if (rc == 0)
			return;
		if (rc < 0) {
			servers_lost(e, server);
			return;
		}
		job = launching_pop(e, server);
		if (!job) {
			/* Nobody asked for it: never let it run. */
			kill(pid, SIGKILL);
			waitpid(pid, NULL, __WALL);
			continue;
		}
		if (job->cgroup_cached && !placed)
			pyn__cgroup_uncache(e, job->token);
		launched(e, job, pid);
		/*
		 * Nothing more asked of it: no read to see EAGAIN (its end,
		 * if it comes, wakes the loop again).
		 */
		if (!has_launching(e, server))
			return;
	}
}

/*
 * A server's socket or loading deadline: replies once it is READY; else
 * it finished loading (or failed), so start the tests waiting for it.
 */
static void on_server(struct pyn_engine *e, struct pyn__server *server)
{
	struct pyn__job **pp = &e->waiting, *job;

	if (pyn__server_state(server) == PYN__SERVER_READY) {
		on_replies(e, server);
		return;
	}
	if (pyn__server_event(server, e) == PYN__SERVER_LOADING)
		return;
	while (*pp) {
		job = *pp;
		if (job->server != server) {
			pp = &job->next;
			continue;
		}
		*pp = job->next;
		job->next = NULL;
		if (pyn__job_launch(e, job) != 0) {
			pyn__job_finish(e, job);
			continue;
		}
		job->next = e->running;
		e->running = job;
	}
}

/*
 * A job's timer while it is asked of its fork server: a server that has
 * not said its pid is busy with many requests, or stopped (SIGSTOP from
 * a test).  Given PYN__SERVER_PATIENCE_S in all, it is killed, and then
 * answers: the test it made is found in the page, one never made is
 * spawned (relaunch(): deadline from the spawn).  Once the pid is known
 * (or the test was killed meanwhile), it is the test's own deadline.
 */
static void on_asked_timer(struct pyn_engine *e, struct pyn__ev *ev)
{
	struct pyn__job *job = ev->job;
	double elapsed;
	uint64_t v;

	if (job->timerfd < 0)
		return;
	/* Nothing expired: an event of an earlier arming (re-armed since). */
	if (read(job->timerfd, &v, sizeof(v)) < 0)
		return;
	elapsed = pyn__now() - job->t_start;
	if (!job->launching || job->killed_by) {
		pyn__timer_expired(job, elapsed);
		return;
	}
	if (elapsed < PYN__SERVER_PATIENCE_S) {
		job->timer_postponed = 1;
		pyn__timer_arm_at(job, job->t_start + PYN__SERVER_PATIENCE_S);
		return;
	}
	pyn__server_unresponsive(e, job->server, 1);
	/*
	 * Found and still running: its deadline (or its limiter's look) at
	 * once, as if the pid had come in time.  Found ended, it may be what
	 * stopped the server: its exit comes.
	 */
	if (job->pid > 0 && !job->reaped && job->timerfd >= 0 &&
	    job->deadline_s > 0 && job->isolation == PYN_ISOLATION_FORKSERVER &&
	    !pyn__pid_has_exited(job->pid))
		pyn__timer_arm_at(job, pyn__now());
}

/*
 * Ask the job's READY server for its process.  0: asked, its pid comes
 * as an event (on_replies): the loop starts other tests meanwhile.  The
 * output's write ends stay open until then, for a spawn instead.  The
 * deadline counts from now: a server that does not answer by it, or by
 * PYN__SERVER_PATIENCE_S when that is later (stopped), is killed.
 */
static int ask(struct pyn_engine *e, struct pyn__job *job)
{
	char cgroup[PATH_MAX];
	int cgroup_fd = pyn__cgroup_open(e, job, cgroup, sizeof(cgroup));
	struct pyn__job **pp = &e->launching;
	int events = pyn__cgroup_events(e, job);
	int rc;

	if (events >= 0)
		job->page->gate = 2;
	rc = pyn__server_send_test(job->server, e, job->page_fd, job->result_fd,
				   job->out_w, job->err_w, cgroup_fd, cgroup,
				   events, e->one_lane, &job->request);
	e->last_sent = job->seq;
	if (cgroup_fd >= 0 && !job->cgroup_cached)
		close(cgroup_fd);
	if (cgroup_fd < 0)
		job->cgroup_cached = 0;
	if (rc != 0)
		return -1;
	job->launching = 1;
	job->timer_tag.fn = on_asked_timer;
	if (!job->held)
		pyn__timer_set(e, job);
	while (*pp)
		pp = &(*pp)->lnext;
	job->lnext = NULL;
	*pp = job;
	return 0;
}

int pyn__job_launch(struct pyn_engine *e, struct pyn__job *job)
{
	job->t_start = pyn__now();
	if (job->isolation == PYN_ISOLATION_FORKSERVER) {
		if (ask(e, job) == 0)
			return 0;
		/*
		 * No server for this library: the test loads it itself.  If it
		 * died just now, what was asked of it will not be answered.
		 */
		job->isolation = PYN_ISOLATION_SPAWN;
		job->watch_seq = 0;
		servers_lost(e, job->server);
	}
	return pyn__spawn(e, job);
}

struct pyn__servers *pyn__servers_need(struct pyn_engine *e)
{
	if (!e->servers) {
		e->patience_tag.fn = on_patience;
		e->patience_tag.phase = PYN__PHASE_TIMER;
		e->servers = pyn__servers_new(on_server);
	}
	return e->servers;
}
