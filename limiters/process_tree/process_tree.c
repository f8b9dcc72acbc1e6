/* SPDX-License-Identifier: MIT */
/*
 * limiters/process_tree - leave no process of a test behind.
 *
 * Active for every test.  kill() ends every process of the test and says
 * how many were still running; the engine calls it on a deadline or an
 * interrupt, and again after the test's own process was reaped (then the
 * count is the test's leftover processes).
 *
 * Providers:
 *   cgroup2    a per-test v2 cgroup (the hybrid /sys/fs/cgroup/unified
 *              mount needs no controllers for this): count cgroup.procs,
 *              write 1 to cgroup.kill; once the test's process was
 *              reaped (never inside a deadline's kill, which would stall
 *              the runner's loop), wait for "populated 0" in
 *              cgroup.events (POLLPRI, at most 2 s).  Nothing escapes.
 *              classify() reports the cgroup's cpu.stat as the test's CPU,
 *              and under a CPU limit a deadline at the limit checks it,
 *              re-armed for the rest of the budget: the test's child
 *              processes cannot use more than its limit (+2 % + 20 ms).
 *   subreaper  the runner is PR_SET_CHILD_SUBREAPER, so orphans of a test
 *              become its children.  kill() SIGKILLs the test's process
 *              group and every descendant still reachable from the test's
 *              pid, then repeatedly the runner's children that belong to
 *              the test: those in its process group, and those started
 *              after it in any other process group or session (its own,
 *              a fork server's, the runner's), that are not a test, not
 *              the engine's (host engine_owns: a test a fork server is
 *              starting, a fork server) and were not the runner's
 *              children when the test started, reaping each.  Limits:
 *              with -j > 1 an orphan that left its process group cannot
 *              be told apart from another running test's orphan, so it is
 *              killed (and counted) by whichever test ends first; a
 *              process a program using the C API starts while a test runs
 *              is taken for the test's; with several engines on several
 *              threads, a test another engine's fork server is starting.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pyntest/limiter.h>

#include "limiters/process_tree/internal.h"
#include "limiters/util.h"

enum tree_provider { TREE_NONE = 0, TREE_CGROUP2, TREE_SUBREAPER };

static const char *const tree_providers[] = { "cgroup2", "subreaper", NULL };

static enum tree_provider chosen;
const struct pyn_host *pyn__tree_host;

struct tree_child {
	char procs[768];
};

/* ---- hooks ----------------------------------------------------------- */

static int tree_probe(const struct pyn_host *host, const char *forced,
		      char *provider, size_t provider_len, char *why,
		      size_t why_len)
{
	char dir[PATH_MAX], path[PATH_MAX], reason[200] = "";
	const char *parent;

	pyn__tree_host = host;
	chosen = TREE_NONE;
	why[0] = '\0';
	if (!forced || strcmp(forced, "cgroup2") == 0) {
		parent = host->cgroup_parent("unified");
		if (!parent) {
			snprintf(reason, sizeof(reason),
				 "no writable cgroup v2 hierarchy");
		} else {
			snprintf(dir, sizeof(dir), "%s/%sprobe-tree", parent,
				 host->cgroup_prefix);
			snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
			if (mkdir(dir, 0755) < 0 && errno != EEXIST)
				snprintf(reason, sizeof(reason),
					 "cannot create a cgroup in '%s': %s",
					 parent, strerror(errno));
			else if (lim_write_file(path, "1") < 0)
				snprintf(
					reason, sizeof(reason),
					"'%s' is not writable (kernel < 5.14?): %s",
					path, strerror(errno));
			rmdir(dir);
		}
		if (!reason[0]) {
			chosen = TREE_CGROUP2;
			snprintf(provider, provider_len, "cgroup2");
			return 1;
		}
		snprintf(why, why_len, "cgroup2: %s", reason);
		if (forced)
			return 0;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		if (why[0])
			lim_cat(why, why_len, "; ");
		lim_cat(why, why_len,
			"subreaper: PR_SET_CHILD_SUBREAPER failed");
		return 0;
	}
	chosen = TREE_SUBREAPER;
	pyn__tree_kill_dead_runners();
	snprintf(provider, provider_len, "subreaper");
	/* Why not cgroup2, and what that costs (--limiters). */
	if (why[0])
		lim_cat(why, why_len,
			"; so subreaper: with -j > 1 a process that left its "
			"test's process group is counted by whichever test "
			"ends first, and after a killed run only those that "
			"stayed in their test's process group are removed by "
			"the next");
	return 1;
}

/* The tree's CPU budget with the measuring error the engine allows. */
static double cpu_budget(const struct pyn__tree_state *s)
{
	return s->cpu_limit_s * 1.02 + 0.02;
}
/* The CPU deadline: kill (0) when the tree used its budget, else wait. */
static double tree_deadline(void *state, double elapsed_s)
{
	struct pyn__tree_state *s = state;
	double used, left;

	(void)elapsed_s;
	if (!s || !(s->cpu_limit_s > 0))
		return 0;
	used = pyn__tree_cpu(s);
	if (used < 0)
		return 3600; /* cannot tell: the test's own timer decides */
	left = cpu_budget(s) - used;
	if (left <= 0) {
		s->cpu_used_s = used;
		return 0;
	}
	/* At least 10 ms: near the end, no busy checking. */
	return left > 0.01 ? left : 0.01;
}

static int tree_setup(struct pyn_limiter_request *req, void **state, char *msg,
		      size_t msg_len)
{
	struct tree_child *child = req->child_data;
	size_t cap = req->child_data_size;
	struct pyn__tree_state *s;
	int created;

	req->child_data_size = 0;
	if (chosen == TREE_NONE)
		return 1;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(msg, msg_len, "out of memory");
		return -1;
	}
	*state = s;
	s->provider = chosen;
	s->terminate = req->terminate_child_processes;
	s->token = req->token;
	s->cpu_last_s = -1;
	if (chosen != TREE_CGROUP2)
		return 0;
	if (cap < sizeof(*child)) {
		snprintf(msg, msg_len, "child data needs %zu bytes, not %zu",
			 sizeof(*child), cap);
		return -1;
	}
	/*
	 * Same name as memory's cgroup2 cgroup: they share it.  Kept from
	 * an earlier test of the token (teardown): cpu.stat goes on
	 * counting, so remember where it starts.
	 */
	/*
	 * A memory limit may make the cgroup anew (memory's setup comes
	 * first): then nothing kept of it holds.
	 */
	s->shared = req->memory_bytes != 0;
	if (!s->shared && pyn__tree_kept_take(req->token, s, 1)) {
		/* Gone meanwhile (another limiter removed it): made anew. */
		created = 1;
		if (mkdir(s->dir, 0755) == 0)
			s->cpu_base_s = 0;
		else if (errno != EEXIST) {
			snprintf(msg, msg_len, "cannot create cgroup '%s': %s",
				 s->dir, strerror(errno));
			s->dir[0] = '\0';
			return -1;
		}
	} else {
		pyn__tree_kept_take(req->token, s, 0);
		if (lim_cgroup_make(pyn__tree_host, "unified", req->token,
				    s->dir, sizeof(s->dir),
				    sizeof(child->procs), &created, msg,
				    msg_len))
			return -1;
	}
	if (!created) {
		s->cpu_base_s = pyn__tree_cgroup_cpu(s->dir);
		if (s->cpu_base_s < 0)
			s->cpu_base_s = 0;
	}
	memset(child, 0, sizeof(*child));
	snprintf(child->procs, sizeof(child->procs), "%s/cgroup.procs", s->dir);
	req->child_data_size = sizeof(*child);
	/*
	 * The CPU limit counts the test's child processes too, which the
	 * test's own CPU timer does not see.  The tree cannot have used the
	 * limit on one CPU before that much wall time: look then, and again
	 * when the rest of the budget could be used (tree_deadline).
	 */
	if (req->cpu_time_s > 0 && !req->loading) {
		s->cpu_limit_s = req->cpu_time_s;
		req->deadline_s = cpu_budget(s);
	}
	return 0;
}

LIM_CHILD_TEXT static int tree_apply(const void *data, size_t size, char *msg,
				     size_t msg_len)
{
	const struct tree_child *child = data;

	if (size == 0)
		return 0;
	if (size != sizeof(*child)) {
		lim_errmsg(msg, msg_len, "bad child data size", NULL,
			   (int)size);
		return -1;
	}
	if (lim_placed(pyn__tree_host, child->procs))
		return 0;
	if (lim_write_file(child->procs, "0") < 0) {
		lim_errmsg(msg, msg_len, "cannot join cgroup", child->procs,
			   errno);
		return -1;
	}
	return 0;
}

static void tree_started(void *state, pid_t pid)
{
	struct pyn__tree_state *s = state;
	struct pyn__tree_proc_stat st;

	if (!s)
		return;
	s->pid = pid;
	/* Only the subreaper tells its orphans by their start time. */
	if (s->provider == TREE_SUBREAPER && pyn__tree_proc_stat(pid, &st) == 0)
		s->start_ticks = st.start;
	if (s->provider == TREE_SUBREAPER)
		pyn__tree_slots_open();
	pyn__tree_live_set(0, pid, s->start_ticks);
	if (s->provider == TREE_SUBREAPER) {
		size_t i, k = 0;
		struct pyn__tree_proc_stat c;

		s->n_before = pyn__tree_children_of(
			getpid(), s->before, 0,
			sizeof(s->before) / sizeof(s->before[0]));
		/*
		 * A fork server says the pid when the test may have run
		 * already: a process it left and the runner adopted is not
		 * an older child.  Older: made in an earlier clock tick, or
		 * a process group leader of the runner's (a fork server
		 * started for this test's library, in the same tick).
		 */
		for (i = 0; i < s->n_before; i++)
			if (pyn__tree_proc_stat(s->before[i], &c) != 0 ||
			    c.start < s->start_ticks || c.pgid == s->before[i])
				s->before[k++] = s->before[i];
		s->n_before = k;
	}
}

static unsigned tree_kill(void *state, pid_t pid)
{
	struct pyn__tree_state *s = state;
	unsigned n;

	if (!s)
		return 0;
	if (!s->pid)
		s->pid = pid;
	/*
	 * After the test ended, leftovers are killed only when the test
	 * asks for it; while it runs (deadline, interrupt), always.
	 */
	if (s->provider == TREE_CGROUP2 && s->kill_sent &&
	    !pyn__tree_is_running(s->pid)) {
		/* Counted when it was killed: wait until they are gone. */
		pyn__tree_cgroup_kill(s->dir, true, &s->emptied, &s->killed);
		return 0;
	}
	if (!s->terminate && !pyn__tree_is_running(s->pid)) {
		if (s->provider == TREE_CGROUP2)
			return pyn__tree_cgroup_procs(s->dir);
		return 0;
	}
	if (s->provider == TREE_CGROUP2) {
		/*
		 * While the test runs (a deadline, an interrupt) this is the
		 * runner's event loop: write cgroup.kill and go on, the
		 * processes die on their own.  The wait until the cgroup is
		 * empty comes after the test's process was reaped (here
		 * again, or in teardown), when the killed are gone or nearly.
		 */
		if (pyn__tree_is_running(s->pid)) {
			s->kill_sent = 1;
			return pyn__tree_cgroup_kill(s->dir, false, NULL,
						     &s->killed);
		}
		return pyn__tree_cgroup_kill(s->dir, true, &s->emptied,
					     &s->killed);
	}
	n = pyn__tree_subreaper_kill(s);
	return n;
}

static int tree_classify(void *state, const struct pyn_limiter_evidence *ev,
			 struct pyn_limiter_verdict *v)
{
	struct pyn__tree_state *s = state;
	double used;

	v->outcome = PYN_OUTCOME_UNDECIDED;
	/*
	 * The CPU of every process of the test, reaped or not: the CPU
	 * limit counts child processes too (cgroup v2 keeps cpu.stat's
	 * usage_usec without the cpu controller).
	 */
	if (!s || s->provider != TREE_CGROUP2 || !s->dir[0])
		return 0;
	used = pyn__tree_cpu(s);
	s->cpu_last_s = used;
	if (used >= 0)
		v->cpu_time_s = used;
	if (s->cpu_used_s > 0 && ev->killed_by == PYN_KILL_DEADLINE &&
	    ev->killer && strcmp(ev->killer, "process_tree") == 0) {
		v->outcome = PYN_OUTCOME_CPU_TIMEOUT;
		snprintf(v->message, sizeof(v->message),
			 "exceeded CPU time limit %.3f s (used %.3f s, with "
			 "its child processes)",
			 s->cpu_limit_s,
			 used > s->cpu_used_s ? used : s->cpu_used_s);
	}
	return 0;
}

static void tree_teardown(void *state)
{
	struct pyn__tree_state *s = state;

	if (!s)
		return;
	if (s->pid)
		pyn__tree_live_set(s->pid, 0, 0);
	if (s->dir[0]) {
		if ((s->terminate || s->kill_sent) && !s->emptied)
			pyn__tree_cgroup_kill(s->dir, true, &s->emptied,
					      &s->killed);
		else if (!s->terminate && !s->kill_sent)
			lim_release_procs(pyn__tree_host, "process_tree",
					  s->dir);
		/*
		 * Empty, of a test whose processes were all killed: the host
		 * gives its token to a later test, which uses the cgroup as
		 * it is.  Making and removing one costs more than the test.
		 * Not after cgroup.kill: some kernels (6.18 here) then kill
		 * every process later created in it with CLONE_INTO_CGROUP.
		 */
		if (s->terminate && s->emptied && !s->killed && !s->shared &&
		    pyn__tree_kept_put(s)) {
			free(s);
			return;
		}
		/* With the cgroups the test made below it, and their own. */
		if (lim_cgroup_remove_tree(s->dir, 0) < 0 && errno != EBUSY &&
		    pyn__tree_host)
			pyn__tree_host->log("process_tree",
					    "cannot remove a per-test cgroup");
	}
	free(s);
}

static const struct pyn_limiter process_tree_limiter = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_limiter),
	.name = "process_tree",
	.version = "1.0",
	.summary = "kill every process of a test: cgroup.kill or subreaper",
	.provides = PYN_PROVIDES_PROCESS_TREE,
	.probe = tree_probe,
	.setup = tree_setup,
	.apply = tree_apply,
	.started = tree_started,
	.kill = tree_kill,
	.classify = tree_classify,
	.teardown = tree_teardown,
	.providers = tree_providers,
	.deadline = tree_deadline,
	.enforces = PYN_ENFORCES_PROCESS_TREE,
};

PYN_LIMITER_ENTRY(process_tree)
{
	(void)msg;
	(void)msg_len;
	pyn__tree_host = host;
	return &process_tree_limiter;
}
