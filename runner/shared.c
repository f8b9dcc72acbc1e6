/* SPDX-License-Identifier: MIT */
/*
 * runner/shared.c - CUnit suites that share a process (`process:
 * per-suite`): the tests of one CUnit suite, in plan order, become one
 * engine task (engine/engine.h, "A CUnit suite in one process"); its
 * result becomes one result a test, from the records the child wrote
 * and its output cut at the marks it wrote; the test that ended the
 * process gets the process's outcome, and the tests after it go on in a
 * new process, their reports saying so.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/outcome.h"
#include "runner/shared.h"
#include "engine/engine.h"

int pyn__shared_init(struct pyn__shared *sh, size_t n)
{
	memset(sh, 0, sizeof(*sh));
	sh->by_head = calloc(n ? n : 1, sizeof(*sh->by_head));
	sh->n = n;
	return sh->by_head ? 0 : PYN_ENOMEM;
}

void pyn__shared_free(struct pyn__shared *sh)
{
	for (size_t i = 0; sh->by_head && i < sh->n; i++) {
		struct pyn__shared_group *g = sh->by_head[i];

		if (!g)
			continue;
		free(g->members);
		free(g->list);
		free(g->restarted);
		free(g);
	}
	free(sh->by_head);
	memset(sh, 0, sizeof(*sh));
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Two tests of one CUnit suite of one manifest suite. */
static bool same_suite(const struct pyn_plan_test *a,
		       const struct pyn_plan_test *b)
{
	return a->shared_process && b->shared_process &&
	       same_str(a->suite, b->suite) &&
	       same_str(a->classname, b->classname) &&
	       same_str(a->cunit_suite, b->cunit_suite) &&
	       same_str(a->code->library, b->code->library) &&
	       same_str(a->code->program, b->code->program);
}

int pyn__shared_add(struct pyn__shared *sh, const struct pyn_plan *plan,
		    size_t i)
{
	const struct pyn_plan_test *t = &plan->tests[i];
	struct pyn__shared_group *g;
	size_t *m;

	if (!t->shared_process)
		return 0;
	g = sh->last ? sh->by_head[sh->last - 1] : NULL;
	if (g && same_suite(&plan->tests[sh->last - 1], t)) {
		m = realloc(g->members, (g->n + 1) * sizeof(*m));
		if (!m)
			return PYN_ENOMEM;
		g->members = m;
		g->members[g->n++] = i;
		return 1;
	}
	g = calloc(1, sizeof(*g));
	if (!g || !(g->members = malloc(sizeof(*g->members)))) {
		free(g);
		return PYN_ENOMEM;
	}
	g->members[g->n++] = i;
	sh->by_head[i] = g;
	sh->last = i + 1;
	return 0;
}

struct pyn__shared_group *pyn__shared_of(const struct pyn__shared *sh, size_t i)
{
	struct pyn__shared_group *g =
		sh->by_head && i < sh->n ? sh->by_head[i] : NULL;

	/* A test alone in its process is a test like any (--debug ID). */
	return g && g->n > 1 ? g : NULL;
}

int pyn__shared_submit(struct pyn_engine *e, struct pyn__shared_group *g,
		       const struct pyn_plan *plan, void *user,
		       struct pyn_error *err)
{
	const struct pyn_plan_test *head = &plan->tests[g->members[g->from]];
	size_t len = 64, k;
	char *p;

	for (k = g->from; k < g->n; k++)
		len += strlen(plan->tests[g->members[k]].name) + 1;
	free(g->list);
	g->list = malloc(len);
	if (!g->list)
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "out of memory");
	/* The CPU limit is each test's, kept by the child (engine.h). */
	p = g->list + sprintf(g->list, "%c%.9g", PYN__SHARED_MARK,
			      head->limits->cpu_time_s > 0 ?
				      head->limits->cpu_time_s :
				      0.0);
	for (k = g->from; k < g->n; k++)
		p += sprintf(p, "%c%s", PYN__SHARED_MARK,
			     plan->tests[g->members[k]].name);
	pyn_plan_task(head, &g->task);
	g->task.cunit_test = g->list;
	g->task.name = head->classname;
	g->limits = *head->limits;
	g->limits.cpu_time_s = 0;
	return pyn_engine_submit(e, &g->task, &g->limits, user, err);
}

/*
 * The part of `text` after the k-th mark (k = 0: before the first),
 * malloc'd, NULL when empty; `*len` its length.
 */
static char *segment(const char *text, size_t text_len, size_t k, size_t *len)
{
	static const char mark[] = PYN__SHARED_OUT_MARK;
	const size_t ml = sizeof(mark) - 1;
	const char *p = text, *end = text ? text + text_len : NULL, *q;
	char *s;

	*len = 0;
	if (!text)
		return NULL;
	for (; k > 0; k--) {
		q = memmem(p, (size_t)(end - p), mark, ml);
		if (!q)
			return NULL;
		p = q + ml;
	}
	q = memmem(p, (size_t)(end - p), mark, ml);
	if (!q)
		q = end;
	if (q == p)
		return NULL;
	s = malloc((size_t)(q - p) + 1);
	if (!s)
		return NULL;
	memcpy(s, p, (size_t)(q - p));
	s[q - p] = '\0';
	*len = (size_t)(q - p);
	return s;
}

/* `a` then `b` (either may be NULL), both freed. */
static char *join(char *a, size_t al, char *b, size_t bl, size_t *len)
{
	char *s;

	*len = al + bl;
	if (!a)
		return b;
	if (!b)
		return a;
	s = realloc(a, al + bl + 1);
	if (!s) {
		free(b);
		*len = al;
		return a;
	}
	memcpy(s + al, b, bl);
	s[al + bl] = '\0';
	free(b);
	return s;
}

static void add_property(struct pyn_result *r, const char *name,
			 const char *value)
{
	char **p = realloc(r->properties,
			   (r->n_properties + 1) * sizeof(*r->properties));

	if (!p)
		return;
	r->properties = p;
	if (asprintf(&p[r->n_properties], "%s=%s", name, value) >= 0)
		r->n_properties++;
}

/* The result of a test that ended by itself, from its record. */
static void from_record(const struct pyn__shared_record *rec,
			struct pyn_result *r)
{
	unsigned kept = rec->n_failures < PYN__SHARED_FAILURES ?
				rec->n_failures :
				PYN__SHARED_FAILURES;

	switch (rec->state) {
	case PYN__SHARED_FAILED:
		r->outcome = PYN_OUTCOME_FAIL;
		break;
	case PYN__SHARED_SKIPPED:
		r->outcome = PYN_OUTCOME_SKIPPED;
		snprintf(r->skip_reason, sizeof(r->skip_reason), "%.255s",
			 rec->message);
		break;
	case PYN__SHARED_ERROR:
		r->outcome = PYN_OUTCOME_ERROR;
		snprintf(r->error_type, sizeof(r->error_type), "%s",
			 PYN__TYPE_SETUP_ERROR);
		break;
	default:
		r->outcome = PYN_OUTCOME_PASS;
	}
	if (r->outcome != PYN_OUTCOME_ERROR)
		snprintf(r->error_type, sizeof(r->error_type), "%s",
			 pyn__outcome_type(r->outcome));
	snprintf(r->message, sizeof(r->message), "%s", rec->message);
	r->wall_time_s = rec->wall_s;
	r->cpu_time_s = rec->cpu_s;
	r->peak_memory_bytes = rec->peak_bytes;
	r->exit_code = 0;
	r->n_failures = rec->n_failures;
	memcpy(r->failures, rec->failures, kept * sizeof(*r->failures));
}

/* The result of the test that ended the process: the process's. */
static void from_process(const struct pyn_result *res,
			 const struct pyn__shared_record *rec, double cpu_limit,
			 struct pyn_result *r)
{
	memcpy(r, res, sizeof(*r));
	r->data = NULL;
	r->size = 0;
	r->out = r->err = NULL;
	r->out_len = r->err_len = 0;
	r->properties = NULL;
	r->n_properties = 0;
	r->returned = false;
	if (!rec)
		return;
	r->wall_time_s = res->wall_time_s - rec->started_s;
	if (r->wall_time_s < 0)
		r->wall_time_s = 0;
	r->cpu_time_s = res->cpu_time_s - rec->cpu_start_s;
	if (r->cpu_time_s < 0)
		r->cpu_time_s = 0;
	/* The child's own CPU timer (engine.h): the test's CPU limit. */
	if (cpu_limit > 0 && res->term_signal == SIGXCPU &&
	    r->cpu_time_s >= 0.9 * cpu_limit) {
		r->outcome = PYN_OUTCOME_CPU_TIMEOUT;
		snprintf(r->error_type, sizeof(r->error_type), "%s",
			 pyn__outcome_type(r->outcome));
		snprintf(r->message, sizeof(r->message),
			 "exceeded CPU time limit %.3f s (used %.3f s)",
			 cpu_limit, r->cpu_time_s);
	}
}

size_t pyn__shared_split(struct pyn__shared_group *g,
			 const struct pyn_plan *plan, struct pyn_result *res,
			 struct pyn_result *out)
{
	const struct pyn__shared_record *recs = res->data;
	const struct pyn_plan_test *head = &plan->tests[g->members[g->from]];
	size_t n = g->n - g->from, m = 0, done, k, l1, l2;
	size_t dead = SIZE_MAX; /* which one ended the process */
	char *s1, *s2, note[1200];
	const char *restarted = g->restarted;

	if (recs && res->size >= sizeof(*recs))
		m = res->size / sizeof(*recs);
	if (m > n)
		m = n;
	for (k = 0; k < m; k++) {
		if (recs[k].state == PYN__SHARED_RUNNING) {
			dead = k;
			break;
		}
	}
	if (m == 0) {
		/* Ended before its first test (init): each gets it. */
		for (k = 0; k < n; k++)
			from_process(res, NULL, 0, &out[k]);
		done = n;
	} else if (dead != SIZE_MAX) {
		done = dead + 1;
	} else if (m < n) {
		/* Ended between tests: the next one is charged. */
		dead = m;
		done = m + 1;
	} else {
		done = n;
	}
	for (k = 0; m && k < done; k++) {
		if (k == dead)
			from_process(res, k < m ? &recs[k] : NULL,
				     head->limits->cpu_time_s, &out[k]);
		else
			from_record(&recs[k], &out[k]);
	}
	for (k = 0; k < done; k++) {
		s1 = segment(res->out, res->out_len, k + 1, &l1);
		s2 = segment(res->err, res->err_len, k + 1, &l2);
		if (k == 0) {
			size_t a, b;
			char *p1 = segment(res->out, res->out_len, 0, &a);
			char *p2 = segment(res->err, res->err_len, 0, &b);

			s1 = join(p1, a, s1, l1, &l1);
			s2 = join(p2, b, s2, l2, &l2);
		}
		if (restarted) {
			int w = snprintf(note, sizeof(note), "pyntest: %s\n",
					 restarted);
			char *p = w > 0 ? strdup(note) : NULL;

			if (p)
				s1 = join(p, strlen(p), s1, l1, &l1);
			add_property(&out[k], "pyntest.process_restarted",
				     restarted);
		}
		out[k].out = s1;
		out[k].out_len = l1;
		out[k].out_total = l1;
		out[k].err = s2;
		out[k].err_len = l2;
		out[k].err_total = l2;
		add_property(&out[k], "pyntest.process", "per-suite");
		snprintf(out[k].memory_provider, sizeof(out[k].memory_provider),
			 "%s", res->memory_provider);
		snprintf(out[k].tree_provider, sizeof(out[k].tree_provider),
			 "%s", res->tree_provider);
		out[k].start_s = res->start_s;
		out[k].slot = res->slot;
	}
	if (done < n && dead != SIZE_MAX &&
	    res->outcome != PYN_OUTCOME_INTERRUPTED) {
		const struct pyn_plan_test *t =
			&plan->tests[g->members[g->from + dead]];
		char *why = NULL;

		if (asprintf(&why,
			     "the suite's process was restarted after '%s' "
			     "ended it (%s: %.200s); the state earlier tests "
			     "left is gone",
			     t->id, pyn_outcome_name(out[dead].outcome),
			     out[dead].message) < 0)
			why = NULL;
		free(g->restarted);
		g->restarted = why;
	}
	g->from += done;
	pyn_result_release(res);
	return done;
}

void pyn__shared_hint(const struct pyn_plan *plan, size_t i, char **message)
{
	const struct pyn_plan_test *t = &plan->tests[i], *o;
	bool others = false;
	char *s;

	if (t->shared_process || t->kind != PYN_TASK_CUNIT || !t->cunit_suite ||
	    !message || !*message)
		return;
	for (size_t k = i > 0 ? i - 1 : 0; k < plan->n_tests && k <= i + 1;
	     k++) {
		o = &plan->tests[k];
		if (k != i && same_str(o->classname, t->classname) &&
		    same_str(o->suite, t->suite))
			others = true;
	}
	if (!others)
		return;
	if (asprintf(&s,
		     "%s (hint: each test ran in its own process; "
		     "'process: per-suite' runs CUnit suite '%s' in one)",
		     *message, t->cunit_suite) < 0)
		return;
	free(*message);
	*message = s;
}
