/* SPDX-License-Identifier: MIT */
/*
 * runner/schedule.c - keep N tests running, retry the unexpected, stop on
 * the first failure or a signal, and remember how long tests took.
 *
 * Results land in the report at their plan index, so the report's order is
 * the manifest's whatever order tests finish in.  They start in manifest
 * order, except: --failed-first starts last time's failures first; with
 * more than one lane and durations from a previous run, the longest known
 * tests start first (ctest's cost data): a long test started last would
 * keep the run going alone at the end.  One lane gains nothing from it,
 * so -j 1 keeps the manifest's order.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/outcome.h"
#include "runner/cli.h"
#include "runner/record.h"
#include "runner/shared.h"
#include "runner/signals.h"
#include "runner/verdict.h"
#include "engine/engine.h"

struct order_item {
	size_t index;
	double seconds;
	bool first;
};

/* Failed-first ones first; then longest known; unknown after; plan order. */
static int by_duration(const void *pa, const void *pb)
{
	const struct order_item *a = pa, *b = pb;

	if (a->first != b->first)
		return a->first ? -1 : 1;
	if (a->seconds != b->seconds)
		return a->seconds < b->seconds ? 1 : -1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static bool unexpected(enum pyn_outcome v)
{
	return pyn__outcome_is_failed(v);
}

/*
 * Drain the watch fd, an epoll set of the signal pipe and a tick timer:
 * true when the pipe said "interrupt".
 */
static bool drain_watch(const struct pyn__schedule *s)
{
	struct epoll_event ev[4];
	bool stop = false;
	int n;

	n = epoll_wait(s->watch_fd, ev, 4, 0);
	for (int i = 0; i < n; i++) {
		char buf[64];
		ssize_t got = read(ev[i].data.fd, buf, sizeof(buf));

		if (ev[i].data.fd != s->signal_fd)
			continue; /* a tick */
		for (ssize_t k = 0; k < got; k++) {
			if (buf[k] == PYN__SIGNAL_INTERRUPT)
				stop = true;
			else if (buf[k] == PYN__SIGNAL_STATUS && s->console)
				pyn__signals_status(s->console, stderr);
		}
	}
	if (s->console)
		pyn__console_tick(s->console);
	return stop;
}

/* Each member the process ran gets its result and verdict. */
static int take_split(const struct pyn_plan *plan,
		      const struct pyn__schedule *s, struct pyn__report *report,
		      const struct pyn__shared_group *g, size_t from,
		      struct pyn_result *split, size_t got, bool *stop)
{
	size_t k;

	for (k = 0; k < got; k++) {
		size_t i = g->members[from + k];
		struct pyn__report_entry *e = &report->entries[i];
		struct pyn__attempt *a = pyn__attempt_new(e);
		char why[1024];
		bool met;

		if (!a)
			return PYN_ENOMEM;
		if (k > 0) {
			if (s->console)
				pyn__console_started(s->console,
						     plan->tests[i].id);
			pyn__listeners_started(s->listeners, e);
		}
		met = pyn__expect_is_met(&e->test->expect, &split[k], why,
					 sizeof(why));
		if (pyn__run_take(&a->result, &split[k], s->spool, report) ||
		    pyn__attempt_decide(a, &e->test->expect, met, why))
			return PYN_ENOMEM;
		if (a->result.outcome == PYN_OUTCOME_INTERRUPTED)
			*stop = true;
		if (s->console)
			pyn__console_finished(s->console, e);
		pyn__listeners_finished(s->listeners, e);
		if (s->fail_fast && unexpected(a->verdict))
			*stop = true;
	}
	return 0;
}

/*
 * The members not run yet go on in a new process; when it cannot start,
 * each gets its error.  Returns 1 when it started, 0 when not, or
 * PYN_ENOMEM.
 */
static int shared_restart(struct pyn_engine *engine,
			  const struct pyn_plan *plan,
			  const struct pyn__schedule *s,
			  struct pyn__report *report,
			  struct pyn__shared_group *g, void *user)
{
	struct pyn_error serr;
	size_t k;

	if (pyn__shared_submit(engine, g, plan, user, &serr) != 0) {
		/* The rest cannot start: each its error. */
		for (k = g->from; k < g->n; k++) {
			struct pyn__report_entry *e =
				&report->entries[g->members[k]];
			if (!pyn__attempt_said(
				    e, PYN_OUTCOME_ERROR,
				    "cannot start test: ", serr.message))
				return PYN_ENOMEM;
		}
		return 0;
	}
	if (s->console)
		pyn__console_started(s->console,
				     plan->tests[g->members[g->from]].id);
	pyn__listeners_started(s->listeners,
			       &report->entries[g->members[g->from]]);
	return 1;
}

/*
 * The process of a CUnit suite that shares one ended: each test it ran
 * gets its result; the rest go on in a new process (unless stopping).
 * Returns 1 when that process was started, 0 when not, or PYN_ENOMEM.
 */
static int shared_done(struct pyn_engine *engine, const struct pyn_plan *plan,
		       const struct pyn__schedule *s,
		       struct pyn__report *report, struct pyn__shared_group *g,
		       struct pyn_result *res, void *user, bool *stop)
{
	size_t from = g->from, k;
	/* A result for each member left: made here, not kept for the run. */
	struct pyn_result *split = calloc(g->n - from, sizeof(*split));
	int rc;

	if (!split) {
		pyn_result_release(res);
		return PYN_ENOMEM;
	}
	for (k = 0; k < g->n - from; k++) /* PYN_RESULT_INIT: calloc'ed */
		split[k].struct_size = sizeof(split[k]);
	k = pyn__shared_split(g, plan, res, split);
	rc = take_split(plan, s, report, g, from, split, k, stop);
	/* Each taken one is already released: this frees the rest. */
	for (k = 0; k < g->n - from; k++)
		pyn_result_release(&split[k]);
	free(split);
	if (rc)
		return rc;
	if (g->from >= g->n || *stop)
		return 0;
	return shared_restart(engine, plan, s, report, g, user);
}

int pyn__schedule_run(struct pyn_engine *engine, const struct pyn_plan *plan,
		      const struct pyn__schedule *s, struct pyn__report *report,
		      bool *interrupted, struct pyn_error *err)
{
	struct order_item *order = NULL;
	size_t n = plan->n_tests, next = 0, n_order = 0;
	/* The test made ahead of its start (plan index + 1), 0: none. */
	size_t held = 0, hold_tried = SIZE_MAX;
	unsigned running = 0;
	int added;
	bool stop = false, autostart = !s->fail_fast;
	const char *not_run_why;
	struct pyn_task task; /* the one submitted */
	struct pyn__shared shared;
	int ret = 0;

	*interrupted = false;
	if (pyn__shared_init(&shared, n) != 0)
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "cannot schedule %zu tests: out of memory",
				     n);
	order = calloc(n ? n : 1, sizeof(*order));
	if (!order || pyn__report_entries(report, plan)) {
		ret = pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				    "cannot schedule %zu tests: out of memory",
				    n);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct pyn__report_entry *e = &report->entries[i];
		const struct pyn_plan_test *t = &plan->tests[i];

		if (t->skip) {
			/* `skip:` in the manifest: reported, never run. */
			if (!pyn__attempt_said(
				    e, PYN_OUTCOME_SKIPPED, "",
				    t->skip_reason ?
					    t->skip_reason :
					    "skipped in the manifest")) {
				ret = PYN_ENOMEM;
				goto out;
			}
			if (s->console)
				pyn__console_finished(s->console, e);
			pyn__listeners_finished(s->listeners, e);
			continue;
		}
		if (t->startup_outcome != PYN_OUTCOME_PASS) {
			/* Its program never got to CUnit: said, not run. */
			if (!pyn__attempt_said(e, t->startup_outcome, "",
					       t->startup_message ?
						       t->startup_message :
						       "the program never got "
						       "to CUnit")) {
				ret = PYN_ENOMEM;
				goto out;
			}
			if (s->console)
				pyn__console_finished(s->console, e);
			continue;
		}
		/*
		 * The test made ahead may start itself when a lane frees,
		 * before the last result is read: not when that result
		 * decides what runs next (a rerun, or -x).
		 */
		if (t->retries)
			autostart = false;
		/* Its CUnit suite's process runs it (runner/shared.c). */
		added = pyn__shared_add(&shared, plan, i);
		if (added < 0) {
			ret = added;
			goto out;
		}
		if (added == 1)
			continue;
		if (pyn__shared_of(&shared, i))
			autostart = false;
		order[n_order].index = i;
		order[n_order].seconds =
			s->durations && s->jobs > 1 ? s->durations[i] : -1;
		order[n_order].first = s->first && s->first[i];
		n_order++;
	}
	if ((s->durations && s->jobs > 1) || s->first)
		qsort(order, n_order, sizeof(*order), by_duration);
	/* One lane: a held test starts only once the one running ended. */
	pyn__engine_one_lane(engine, s->jobs == 1 && autostart && s->prestart);

	while (next < n_order || running) {
		struct pyn_result res;
		struct pyn__report_entry *e;
		struct pyn__attempt *a;
		struct pyn__shared_group *g;
		char why[1024];
		void *user = NULL;
		bool met;
		int got;

		while (!stop && running < s->jobs && next < n_order) {
			size_t i = order[next++].index;
			const struct pyn_plan_test *t = &plan->tests[i];
			struct pyn_error serr;

			if (held == i + 1) {
				held = 0;
				if (pyn__engine_go(
					    engine,
					    (void *)(uintptr_t)(i + 1)) == 0) {
					running++;
					if (s->console)
						pyn__console_started(s->console,
								     t->id);
					pyn__listeners_started(
						s->listeners,
						&report->entries[i]);
					continue;
				}
			}
			g = pyn__shared_of(&shared, i);
			pyn_plan_task(t, &task);
			if (g ? pyn__shared_submit(engine, g, plan,
						   (void *)(uintptr_t)(i + 1),
						   &serr) :
				pyn_engine_submit(engine, &task, t->limits,
						  (void *)(uintptr_t)(i + 1),
						  &serr)) {
				/* Could not even start: that test's error. */
				e = &report->entries[i];
				a = pyn__attempt_said(
					e, PYN_OUTCOME_ERROR,
					"cannot start test: ", serr.message);
				if (!a) {
					ret = PYN_ENOMEM;
					goto out;
				}
				a->result.error_type = PYN__TYPE_SETUP_ERROR;
				if (s->console)
					pyn__console_finished(s->console, e);
				pyn__listeners_finished(s->listeners, e);
				if (s->fail_fast)
					stop = true;
				continue;
			}
			running++;
			if (s->console)
				pyn__console_started(s->console, t->id);
			pyn__listeners_started(s->listeners,
					       &report->entries[i]);
		}
		if (stop && held) {
			if (pyn__engine_cancel(engine,
					       (void *)(uintptr_t)held) == 1) {
				/* It had started by itself: wait for it. */
				running++;
				if (s->console)
					pyn__console_started(
						s->console,
						plan->tests[held - 1].id);
				pyn__listeners_started(
					s->listeners,
					&report->entries[held - 1]);
			}
			held = 0;
		}
		/*
		 * Every lane busy: make the next test's process now, so that
		 * starting it is a wake-up, not a fork (engine/prestart.c).
		 */
		if (!stop && !held && s->prestart && running >= s->jobs &&
		    next < n_order && hold_tried != next &&
		    !pyn__shared_of(&shared, order[next].index)) {
			size_t i = order[next].index;
			const struct pyn_plan_test *t = &plan->tests[i];
			struct pyn_error serr;
			int rc;

			pyn_plan_task(t, &task);
			rc = pyn__engine_hold(engine, &task, t->limits,
					      (void *)(uintptr_t)(i + 1),
					      autostart, &serr);

			if (rc == 0)
				held = i + 1;
			else if (rc != 2)
				hold_tried = next; /* never: do not ask again */
		}
		if (!running)
			break;
		res = (struct pyn_result)PYN_RESULT_INIT;
		got = pyn_engine_next(engine, s->watch_fd, &res, &user, err);
		if (got < 0) {
			if (got == PYN_EINTERRUPTED)
				continue;
			ret = got;
			goto out;
		}
		if (got == 0) {
			if (drain_watch(s)) {
				pyn_engine_interrupt(engine);
				*interrupted = true;
				stop = true;
			}
			continue;
		}
		running--;
		g = pyn__shared_of(&shared, (uintptr_t)user - 1);
		if (g) {
			added = shared_done(engine, plan, s, report, g, &res,
					    user, &stop);
			if (added < 0) {
				ret = added;
				goto out;
			}
			running += (unsigned)added;
			continue;
		}
		e = &report->entries[(uintptr_t)user - 1];
		a = pyn__attempt_new(e);
		if (!a) {
			pyn_result_release(&res);
			ret = PYN_ENOMEM;
			goto out;
		}
		met = pyn__expect_is_met(&e->test->expect, &res, why,
					 sizeof(why));
		if (pyn__run_take(&a->result, &res, s->spool, report)) {
			ret = PYN_ENOMEM;
			goto out;
		}
		if (a->result.outcome == PYN_OUTCOME_FAIL)
			pyn__shared_hint(plan, (uintptr_t)user - 1,
					 &a->result.message);
		if (pyn__attempt_decide(a, &e->test->expect, met, why)) {
			ret = PYN_ENOMEM;
			goto out;
		}
		if (a->result.outcome == PYN_OUTCOME_INTERRUPTED) {
			/* The handler interrupted the engine before we read
			 * the pipe: only a signal interrupts running tests. */
			*interrupted = true;
			stop = true;
		}
		if (unexpected(a->verdict) && !stop &&
		    a->verdict != PYN_OUTCOME_INTERRUPTED &&
		    e->n_attempts <= e->test->retries) {
			/* Rerun at once: it was going to run anyway. */
			struct pyn_error serr;

			pyn_plan_task(e->test, &task);
			if (!pyn_engine_submit(engine, &task, e->test->limits,
					       user, &serr)) {
				running++;
				if (s->console)
					pyn__console_retry(s->console, e);
				continue;
			}
		}
		if (s->console)
			pyn__console_finished(s->console, e);
		pyn__listeners_finished(s->listeners, e);
		if (s->fail_fast && unexpected(a->verdict))
			stop = true;
	}
out:
	/*
	 * Only on an error: a held test that had started by itself (cancel
	 * says 1) is killed with the engine and reported as not run.
	 */
	if (held)
		pyn__engine_cancel(engine, (void *)(uintptr_t)held);
	free(order);
	pyn__shared_free(&shared);
	not_run_why = "stopped after the first unexpected outcome (-x)";
	if (*interrupted)
		not_run_why = "the run was interrupted";
	else if (ret)
		not_run_why = "the run broke off";
	if (report->entries && ret != PYN_ENOMEM &&
	    pyn__report_not_run(report, not_run_why))
		ret = PYN_ENOMEM;
	return ret;
}
