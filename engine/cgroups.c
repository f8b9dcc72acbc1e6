/* SPDX-License-Identifier: MIT */
/*
 * engine/cgroups.c - the cgroup v2 directory a limiter made for a test,
 * which a fork server creates the test in, kept open for the token's
 * next test; and its cgroup.events, which a held test of one lane reads
 * to start by itself when the test before it is gone.
 *
 * May call: the registry's host table (host/); nothing of the engine.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/*
 * The cgroup v2 directory a limiter made for the test (named by its
 * token, limiter.h), open, with its path in `path`; -1 when there is
 * none.  The fork server creates the test in it (host->placed_in), so the
 * child need not move itself there: moving takes a lock that makes every
 * exiting process on the machine wait for an RCU grace period.
 */
int pyn__cgroup_open(struct pyn_engine *e, struct pyn__job *job, char *path,
		     size_t len)
{
	const struct pyn_host *host = pyn__registry_host();
	const char *parent;
	size_t i, free_i = PYN__LANES;
	int n, fd;

	for (i = 0; i < job->n_lims; i++)
		if (job->lims[i].rc == 0 &&
		    strcmp(job->lims[i].slot->provider, "cgroup2") == 0)
			break;
	if (i == job->n_lims || !host || !host->cgroup_parent)
		return -1;
	parent = host->cgroup_parent("unified");
	if (!parent)
		return -1;
	n = snprintf(path, len, "%s/%s%u", parent, host->cgroup_prefix,
		     job->token);
	if (n < 0 || (size_t)n >= len)
		return -1;
	/*
	 * A memory limit makes the cgroup anew each test, and a token
	 * comes back (its cgroup kept) only when every process is killed:
	 * else never cached.
	 */
	job->cgroup_cached = 0;
	if (job->limits.memory_bytes || !job->limits.terminate_child_processes)
		return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < PYN__LANES; i++) {
		if (e->cgroups[i].token == job->token) {
			job->cgroup_cached = 1;
			return e->cgroups[i].fd;
		}
		if (!e->cgroups[i].token && free_i == PYN__LANES)
			free_i = i;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && free_i < PYN__LANES) {
		e->cgroups[free_i].token = job->token;
		e->cgroups[free_i].fd = fd;
		e->cgroups[free_i].events = -1;
		job->cgroup_cached = 1;
	}
	return fd;
}

void pyn__cgroup_uncache(struct pyn_engine *e, unsigned token)
{
	size_t i;

	for (i = 0; i < PYN__LANES; i++) {
		if (e->cgroups[i].token != token)
			continue;
		close(e->cgroups[i].fd);
		if (e->cgroups[i].events >= 0)
			close(e->cgroups[i].events);
		e->cgroups[i].token = 0;
	}
}

/*
 * A held test of one lane (pyn__engine_one_lane) may start by itself when
 * the one started test ends and leaves nothing (page.h, gate 2), if that
 * test is the last one asked of the same fork server: the server gives
 * the new child its pidfd of that test (CLONE_PIDFD), the runner the
 * cgroup.events of its cgroup (opened once per cgroup, kept with its
 * directory).  Returns that fd, or -1 (the runner starts it: pyn__gate_autostart()).
 */
int pyn__cgroup_events(struct pyn_engine *e, struct pyn__job *job)
{
	struct pyn__job *j, *ran = NULL;
	size_t i;

	job->watch_seq = 0;
	if (!job->held || !job->autostart || !e->one_lane || e->waiting)
		return -1;
	for (j = e->running; j; j = j->next) {
		if (j == job || j->held)
			continue;
		if (ran)
			return -1;
		ran = j;
	}
	if (!ran || ran->seq != e->last_sent || ran->server != job->server ||
	    ran->isolation != PYN_ISOLATION_FORKSERVER || ran->reaped ||
	    ran->killed_by || !ran->cgroup_cached)
		return -1;
	for (i = 0; i < PYN__LANES && e->cgroups[i].token != ran->token; i++)
		;
	if (i == PYN__LANES)
		return -1;
	if (e->cgroups[i].events < 0)
		e->cgroups[i].events = openat(e->cgroups[i].fd, "cgroup.events",
					      O_RDONLY | O_CLOEXEC);
	if (e->cgroups[i].events >= 0)
		job->watch_seq = ran->seq;
	return e->cgroups[i].events;
}

void pyn__cgroups_close(struct pyn_engine *e)
{
	size_t i;

	for (i = 0; i < PYN__LANES; i++)
		if (e->cgroups[i].token)
			pyn__cgroup_uncache(e, e->cgroups[i].token);
}
