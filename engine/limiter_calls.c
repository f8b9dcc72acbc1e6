/* SPDX-License-Identifier: MIT */
/*
 * engine/limiter_calls.c - the limiters in the parent: setup() of a
 * test, started(), kill(), classify(), teardown(), a deadline's second
 * look; the tokens that name a test's cgroups; killing a test.
 *
 * May call: the registry (host/); nothing else of the engine.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "classify.h"
#include "engine.h"
#include "internal.h"

static void add_property(struct pyn_limiter_verdict *v, const char *name,
			 const char *value)
{
	struct pyn__lim *l = v->host_data;
	char **p;
	size_t n;

	if (!name || !value)
		return;
	p = realloc(l->props, (l->n_props + 1) * sizeof(*p));
	if (!p)
		return;
	l->props = p;
	n = strlen(name) + strlen(value) + 2;
	p[l->n_props] = malloc(n);
	if (!p[l->n_props])
		return;
	snprintf(p[l->n_props], n, "%s=%s", name, value);
	l->n_props++;
}

void pyn__limiters_pick_deadline(struct pyn__job *job)
{
	size_t i;
	struct pyn__lim *l;

	job->deadline_s = 0;
	job->deadline_killer = NULL;
	for (i = 0; i < job->n_lims; i++) {
		l = &job->lims[i];
		if (l->rc != 0 || !(l->deadline_s > 0))
			continue;
		if (!job->deadline_s || l->deadline_s < job->deadline_s) {
			job->deadline_s = l->deadline_s;
			job->deadline_killer = l->slot->limiter->name;
		}
	}
	/* No limiter enforces the wall time (limiter.h): do it ourselves. */
	if (job->limits.wall_time_s > 0 &&
	    !pyn__registry_enforced(PYN_ENFORCES_WALL_TIME)) {
		if (!job->deadline_s ||
		    job->limits.wall_time_s < job->deadline_s) {
			job->deadline_s = job->limits.wall_time_s;
			job->deadline_killer = "wall_time";
		}
	}
}

/*
 * Tokens are unique in the process (fork servers' loading requests start
 * at 0x40000000).  A forked child that calls pyn_call() (nested limits)
 * inherits the counter and the registry's cgroup prefix, so it restarts
 * in a range of its own pid.
 */
static unsigned next_token;
static pid_t token_pid;

/*
 * Tokens of finished tests, for later tests: a per-test cgroup named by
 * the token is then made once and reused (limiter.h, `token`).  Slots are
 * claimed with atomics, not a lock: a child forked while another thread
 * held a lock could never take it.
 */
#define TOKENS_FREE 64
static unsigned tokens_free[TOKENS_FREE];

/*
 * This process's pid, without a system call per test: refreshed in a
 * child forked with fork() (pthread_atfork); a raw clone runs no engine.
 */
static pid_t self_pid; /* 0: ask the kernel */
static int self_atfork;

static void self_forked(void)
{
	self_pid = 0;
}

static pid_t own_pid(void)
{
	pid_t pid = __atomic_load_n(&self_pid, __ATOMIC_RELAXED);

	if (pid)
		return pid;
	if (!__atomic_exchange_n(&self_atfork, 1, __ATOMIC_ACQ_REL))
		pthread_atfork(NULL, NULL, self_forked);
	pid = getpid();
	__atomic_store_n(&self_pid, pid, __ATOMIC_RELAXED);
	return pid;
}

PYN__CHILD_TEXT void pyn__engine_forget_pid(void)
{
	/* No store when there is nothing to forget: no page to copy. */
	if (__atomic_load_n(&self_pid, __ATOMIC_RELAXED))
		__atomic_store_n(&self_pid, 0, __ATOMIC_RELAXED);
}

static unsigned new_token(void)
{
	pid_t self = own_pid();
	pid_t was = __atomic_load_n(&token_pid, __ATOMIC_ACQUIRE);
	unsigned t;
	size_t i;

	if (was != self &&
	    __atomic_compare_exchange_n(&token_pid, &was, self, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
	    was != 0) {
		/* A forked child: the free tokens name its parent's cgroups. */
		for (i = 0; i < TOKENS_FREE; i++)
			__atomic_store_n(&tokens_free[i], 0, __ATOMIC_RELAXED);
		__atomic_store_n(&next_token,
				 0x80000000u |
					 (((unsigned)self & 0x3fffffu) << 8),
				 __ATOMIC_RELEASE);
	}
	for (i = 0; i < TOKENS_FREE; i++) {
		if (!__atomic_load_n(&tokens_free[i], __ATOMIC_RELAXED))
			continue;
		t = __atomic_exchange_n(&tokens_free[i], 0, __ATOMIC_ACQ_REL);
		if (t)
			return t;
	}
	return __atomic_add_fetch(&next_token, 1, __ATOMIC_RELAXED);
}

void pyn__token_release(unsigned token)
{
	unsigned none;
	size_t i;

	if (!token ||
	    __atomic_load_n(&token_pid, __ATOMIC_ACQUIRE) != own_pid())
		return;
	for (i = 0; i < TOKENS_FREE; i++) {
		none = 0;
		if (__atomic_compare_exchange_n(&tokens_free[i], &none, token,
						0, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			return;
	}
}

int pyn__limiters_setup(struct pyn__job *job, const char *test_id, int loading)
{
	struct pyn_limiter_option opts[64];
	struct pyn_limiter_request req;
	const struct pyn__limiter_slot *slot;
	struct pyn__page_limiter *pl;
	size_t i, k, n = pyn__registry_count(), nopts;
	char msg[PYN_LIMITER_MESSAGE_MAX];
	struct pyn__lim *l;
	int rc, configured;
	/*
	 * One token per test, shared by all its limiters (cgroup v2
	 * limiters share the cgroup it names), and unique in the process:
	 * engines of several threads run at once.
	 */
	unsigned token = new_token();

	job->token = token;
	for (i = 0; i < n && job->n_lims < PYN__LIMITERS_MAX; i++) {
		slot = pyn__registry_get(i);
		if (!slot || !slot->supported || !slot->limiter ||
		    !slot->limiter->setup)
			continue;
		nopts = 0;
		configured = 0;
		for (k = 0; k < job->limits.n_options && nopts < 64; k++) {
			if (!job->limits.options[k].limiter ||
			    strcmp(job->limits.options[k].limiter,
				   slot->limiter->name) != 0)
				continue;
			/* A NULL key: `NAME: {}`, configured, no option. */
			configured = 1;
			if (job->limits.options[k].option.key)
				opts[nopts++] = job->limits.options[k].option;
		}
		pl = &job->page->limiters[job->page->n_limiters];
		memset(&req, 0, sizeof(req));
		req.struct_size = sizeof(req);
		req.test_id = test_id ? test_id : "";
		req.wall_time_s = job->limits.wall_time_s > 0 ?
					  job->limits.wall_time_s :
					  0;
		req.cpu_time_s =
			job->limits.cpu_time_s > 0 ? job->limits.cpu_time_s : 0;
		req.memory_bytes = job->limits.memory_bytes;
		req.terminate_child_processes =
			job->limits.terminate_child_processes;
		req.options = nopts ? opts : NULL;
		req.n_options = nopts;
		req.configured = configured;
		req.child_data = pl->data;
		req.child_data_size = sizeof(pl->data);
		req.loading = loading;
		req.token = token;
		l = &job->lims[job->n_lims++];
		memset(l, 0, sizeof(*l));
		l->index = i;
		l->slot = slot;
		msg[0] = '\0';
		rc = slot->limiter->setup(&req, &l->state, msg, sizeof(msg));
		if (rc < 0) {
			snprintf(job->host_error, sizeof(job->host_error),
				 "limiter '%s' failed in setup: %s",
				 slot->limiter->name,
				 msg[0] ? msg : "unknown reason");
			return -1;
		}
		l->rc = rc ? 1 : 0;
		if (rc != 0)
			continue;
		if (req.child_data_size > sizeof(pl->data))
			req.child_data_size = sizeof(pl->data);
		pl->index = (int32_t)i;
		pl->size = (uint32_t)req.child_data_size;
		job->page->n_limiters++;
		l->deadline_s = req.deadline_s;
	}
	pyn__limiters_pick_deadline(job);
	return 0;
}

void pyn__limiters_teardown(struct pyn__job *job)
{
	size_t i, k;
	struct pyn__lim *l;

	for (i = 0; i < job->n_lims; i++) {
		l = &job->lims[i];
		if (l->slot->limiter->teardown)
			l->slot->limiter->teardown(l->rc == 0 ? l->state :
								NULL);
		for (k = 0; k < l->n_props; k++)
			free(l->props[k]);
		free(l->props);
		l->props = NULL;
		l->n_props = 0;
	}
	job->n_lims = 0;
}

/* The engine whose test's limiters are in kill() on this thread. */
static __thread struct pyn_engine *killing;

struct pyn_engine *pyn__limiters_killing(void)
{
	return killing;
}

unsigned pyn__limiters_kill(struct pyn__job *job)
{
	struct pyn_engine *was = killing;
	unsigned n = 0;
	size_t i;

	killing = job->engine;
	for (i = 0; i < job->n_lims; i++)
		if (job->lims[i].rc == 0 && job->lims[i].slot->limiter->kill)
			n += job->lims[i].slot->limiter->kill(
				job->lims[i].state, job->pid);
	killing = was;
	return n;
}

/* ---- Starting a test ------------------------------------------------- */

void pyn__limiters_started(struct pyn__job *job)
{
	size_t i;

	for (i = 0; i < job->n_lims; i++)
		if (job->lims[i].rc == 0 && job->lims[i].slot->limiter->started)
			job->lims[i].slot->limiter->started(job->lims[i].state,
							    job->pid);
}

size_t pyn__limiters_classify(struct pyn__job *job,
			      const struct pyn_limiter_evidence *ev,
			      struct pyn__claim *claims, double *cpu,
			      int64_t *peak, size_t *n_props)
{
	struct pyn_result *res = &job->res;
	size_t i, n_claims = 0;
	struct pyn__lim *l;

	for (i = 0; job->pid > 0 && i < job->n_lims; i++) {
		l = &job->lims[i];
		if (l->rc != 0 || !l->slot->limiter->classify)
			continue;
		memset(&l->verdict, 0, sizeof(l->verdict));
		l->verdict.struct_size = sizeof(l->verdict);
		l->verdict.outcome = PYN_OUTCOME_UNDECIDED;
		l->verdict.cpu_time_s = -1;
		l->verdict.peak_memory_bytes = -1;
		l->verdict.add_property = add_property;
		l->verdict.host_data = l;
		if (l->slot->limiter->classify(l->state, ev, &l->verdict) != 0)
			l->verdict.outcome = PYN_OUTCOME_UNDECIDED;
		l->verdict.message[sizeof(l->verdict.message) - 1] = '\0';
		claims[n_claims].limiter = l->slot->limiter->name;
		claims[n_claims].outcome = l->verdict.outcome;
		claims[n_claims].message = l->verdict.message;
		n_claims++;
		if (l->verdict.cpu_time_s >= 0 && l->verdict.cpu_time_s > *cpu)
			*cpu = l->verdict.cpu_time_s;
		if (l->verdict.peak_memory_bytes >= 0 &&
		    l->verdict.peak_memory_bytes > *peak)
			*peak = l->verdict.peak_memory_bytes;
		job->leftover += l->verdict.leftover_processes;
		*n_props += l->n_props;
		if ((l->slot->limiter->provides & PYN_PROVIDES_MEMORY) &&
		    !res->memory_provider[0])
			snprintf(res->memory_provider,
				 sizeof(res->memory_provider), "%s",
				 l->slot->provider);
		if ((l->slot->limiter->provides & PYN_PROVIDES_PROCESS_TREE) &&
		    !res->tree_provider[0])
			snprintf(res->tree_provider, sizeof(res->tree_provider),
				 "%s", l->slot->provider);
	}
	return n_claims;
}

/*
 * The limiter whose deadline came may look again (a CPU budget of the
 * whole process tree, say) and ask for a later one.
 */
int pyn__limiters_deadline(struct pyn__job *job, double elapsed)
{
	const struct pyn_limiter *lim;
	struct pyn__lim *l;
	double again;
	size_t i;

	for (i = 0; i < job->n_lims; i++) {
		l = &job->lims[i];
		lim = l->slot->limiter;
		if (l->rc != 0 || l->deadline_s != job->deadline_s ||
		    !job->deadline_killer ||
		    strcmp(lim->name, job->deadline_killer) != 0 ||
		    !PYN_LIMITER_HAS(lim, deadline) || !lim->deadline)
			continue;
		again = lim->deadline(l->state, elapsed);
		if (!(again > 0))
			return 0;
		l->deadline_s = elapsed + again;
		pyn__limiters_pick_deadline(job);
		return 1;
	}
	return 0;
}

/*
 * The subreaper tree provider tells a test's orphans from the runner's
 * children it did not have when the test started: a process made ahead
 * (or a fork server it starts) would be taken for the running test's.
 */
bool pyn__limiters_has_subreaper_tree(void)
{
	const struct pyn__limiter_slot *slot;
	size_t i, n = pyn__registry_count();

	for (i = 0; i < n; i++) {
		slot = pyn__registry_get(i);
		if (slot && slot->supported && slot->limiter &&
		    (slot->limiter->provides & PYN_PROVIDES_PROCESS_TREE) &&
		    strcmp(slot->provider, "subreaper") == 0)
			return true;
	}
	return false;
}

bool pyn__pid_has_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
		       0 &&
	       si.si_pid == pid;
}

void pyn__job_kill(struct pyn__job *job, int reason, const char *killer)
{
	if (job->pid <= 0 && !job->launching)
		return;
	/*
	 * Interrupted once its process had ended by itself (its end not
	 * read yet; or found after its fork server was killed, which it may
	 * have stopped): not interrupted, its exit tells how it ended.
	 * What it left is killed all the same.
	 */
	if (!job->killed_by &&
	    !(reason == PYN_KILL_INTERRUPT && !job->launching &&
	      pyn__pid_has_exited(job->pid))) {
		job->killed_by = reason;
		job->killer = killer;
	}
	/* Not started yet: killed when its pid comes (server_jobs.c). */
	if (job->launching)
		return;
	pyn__limiters_kill(job);
	if (job->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, job->pidfd, SIGKILL, NULL, 0);
	else
		kill(job->pid, SIGKILL);
	kill(-job->pid, SIGKILL);
}
