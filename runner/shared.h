/* SPDX-License-Identifier: MIT */
/*
 * runner/shared.h - CUnit suites that share a process (`process:
 * per-suite`, docs/cunit.md): their tests grouped, one engine task for a
 * group, its result split into one result a test, and the rest of a
 * group started again in a new process after a test that ended it.
 */
#ifndef PYN_RUNNER_SHARED_H
#define PYN_RUNNER_SHARED_H

#include <stdbool.h>
#include <stddef.h>

#include <pyntest/pyntest.h>

#include "config/plan.h"

struct pyn__shared_group {
	size_t *members; /* plan indices in registration order */
	size_t n;
	size_t from; /* members before it ran in earlier processes */
	char *list; /* the running task's test list (engine.h) */
	struct pyn_task task;
	struct pyn_limits limits;
	char *restarted; /* why the process is not the first, or NULL */
};

struct pyn__shared {
	struct pyn__shared_group **by_head; /* by plan index, NULL: none */
	size_t n;
	size_t last; /* plan index + 1 of the last group's head, 0: none */
};

int pyn__shared_init(struct pyn__shared *sh, size_t n);
void pyn__shared_free(struct pyn__shared *sh);

/*
 * Plan test `i`, about to be scheduled: 1 when it joins the group of an
 * earlier test (it is not scheduled on its own), 0 when it is scheduled
 * (heading a group when it shares a process), or PYN_ENOMEM.
 */
int pyn__shared_add(struct pyn__shared *sh, const struct pyn_plan *plan,
		    size_t i);

/* The group of two tests or more that test `i` heads, or NULL. */
struct pyn__shared_group *pyn__shared_of(const struct pyn__shared *sh,
					 size_t i);

/* Submit the group's tests from g->from on, in one process. */
int pyn__shared_submit(struct pyn_engine *e, struct pyn__shared_group *g,
		       const struct pyn_plan *plan, void *user,
		       struct pyn_error *err);

/*
 * The result of the group's process, split: out[k] (PYN_RESULT_INIT
 * each, room for the group's members) is the result of member
 * g->from + k.  Returns how many got one; `res` is released.  When some
 * are left, g->from has moved on and g->restarted says why: submit the
 * group again.
 */
size_t pyn__shared_split(struct pyn__shared_group *g,
			 const struct pyn_plan *plan, struct pyn_result *res,
			 struct pyn_result *out);

/*
 * A failed CUnit test, run in its own process, of a CUnit suite with
 * other tests in the plan: a one-line hint at `process: per-suite`
 * appended to `message` (never a change of mode).
 */
void pyn__shared_hint(const struct pyn_plan *plan, size_t i, char **message);

#endif /* PYN_RUNNER_SHARED_H */
