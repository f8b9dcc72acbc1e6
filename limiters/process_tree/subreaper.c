/* SPDX-License-Identifier: MIT */
/*
 * limiters/process_tree/subreaper.c - the subreaper provider: kill a
 * test's process group, its descendants and the orphans the runner
 * adopted from it.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "limiters/process_tree/internal.h"

#define KILLED_MAX 4096

/* Count `pid` once per test; returns 1 when it was not counted yet. */
static unsigned count_once(struct pyn__tree_state *s, pid_t pid)
{
	size_t i;

	for (i = 0; i < s->n_counted; i++)
		if (s->counted[i] == pid)
			return 0;
	if (s->n_counted < sizeof(s->counted) / sizeof(s->counted[0]))
		s->counted[s->n_counted++] = pid;
	return 1;
}

/*
 * Does the runner's child `c` belong to the test `s`?  In the test's
 * process group, or started after the test (in whatever process group),
 * and not itself a test nor the engine's (engine_owns) nor a child the
 * runner had when the test started (its fork server, other tests).
 */
static bool orphan_of(const struct pyn__tree_state *s, pid_t c,
		      const struct pyn__tree_proc_stat *st)
{
	size_t i;

	if (pyn__tree_live_has(c))
		return false;
	/* A test being started (its pid not told yet), a fork server. */
	if (pyn__tree_host && PYN_LIMITER_HAS(pyn__tree_host, engine_owns) &&
	    pyn__tree_host->engine_owns &&
	    pyn__tree_host->engine_owns(c, st->pgid))
		return false;
	for (i = 0; i < s->n_before; i++)
		if (s->before[i] == c)
			return false;
	if (st->pgid == s->pid)
		return true;
	/*
	 * Started after the test, wherever it went: its own group or
	 * session, a fork server's, or the runner's own (setpgid into the
	 * group of the test's parent) - the engine starts nothing there.
	 */
	return st->start >= s->start_ticks;
}

unsigned pyn__tree_subreaper_kill(struct pyn__tree_state *s)
{
	pid_t *list, *killed;
	size_t n, i, n_killed = 0;
	unsigned count = 0;
	struct pyn__tree_proc_stat st;
	int round;
	bool again;

	list = malloc(sizeof(pid_t) * KILLED_MAX * 2);
	if (!list)
		return 0;
	killed = list + KILLED_MAX;

	/* The test still running: everything below it, then the group. */
	if (pyn__tree_is_running(s->pid)) {
		n = pyn__tree_descendants_of(s->pid, list, 0, KILLED_MAX);
		for (i = 0; i < n; i++) {
			if (pyn__tree_is_running(list[i]))
				count += count_once(s, list[i]);
			kill(list[i], SIGKILL);
		}
	}
	killpg(s->pid, SIGKILL);

	for (round = 0; round < 50; round++) {
		again = false;
		n = pyn__tree_children_of(getpid(), list, 0, KILLED_MAX);
		for (i = 0; i < n; i++) {
			pid_t c = list[i];
			bool ours = false;
			size_t k;

			if (pyn__tree_proc_stat(c, &st) < 0)
				continue;
			for (k = 0; k < n_killed && !ours; k++)
				ours = killed[k] == c;
			if (!ours && !orphan_of(s, c, &st))
				continue;
			/* Take its subtree first: it is reparented to us. */
			if (st.state != 'Z') {
				pid_t sub[256];
				size_t m = pyn__tree_descendants_of(c, sub, 0,
								    256),
				       j;

				if (!ours)
					count += count_once(s, c);
				kill(c, SIGKILL);
				for (j = 0; j < m; j++) {
					if (pyn__tree_is_running(sub[j]))
						count += count_once(s, sub[j]);
					kill(sub[j], SIGKILL);
					if (n_killed < KILLED_MAX)
						killed[n_killed++] = sub[j];
				}
			}
			if (!ours && n_killed < KILLED_MAX)
				killed[n_killed++] = c;
			/* Our unreaped child: its pid cannot be reused. */
			waitpid(c, NULL, 0);
			again = true;
		}
		if (!again)
			break;
	}
	free(list);
	return count;
}
