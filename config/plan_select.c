/* SPDX-License-Identifier: MIT */
/*
 * config/plan_select.c - which tests of the plan run: -k filters (globs
 * on ids, "!" excludes), then --shard I/N (plan_partition.c), then the
 * plan's order and its list of suites.
 *
 * Uses the arena (plan_arena.c) and config/util.h (the string set).
 */
#include <fnmatch.h>
#include <stdlib.h>

#include "config/plan_internal.h"

static bool selected(const struct pyn_plan_options *o, const char *id)
{
	bool positive = false, matched = false;
	size_t i;

	if (!o)
		return true;
	for (i = 0; i < o->n_filters; i++) {
		const char *f = o->filters[i];

		if (f[0] == '!') {
			if (fnmatch(f + 1, id, 0) == 0)
				return false;
			continue;
		}
		positive = true;
		if (fnmatch(f, id, 0) == 0)
			matched = true;
	}
	return !positive || matched;
}

int pyn__plan_select(struct pyn__build *b)
{
	struct pyn_plan *plan = b->plan;
	struct pyn__strset seen = { 0 };
	size_t i, w = 0;
	char **suites;

	for (i = 0; i < plan->n_tests; i++)
		if (selected(b->opt, plan->tests[i].id))
			plan->tests[w++] = plan->tests[i];
	plan->n_tests = w;
	if (pyn__plan_partition(b))
		return pyn__build_nomem(b);
	w = plan->n_tests;
	suites = pyn__arena_alloc(&plan->arena, (w + 1) * sizeof(*suites));
	if (!suites)
		return pyn__build_nomem(b);
	/* Give back the slack of the doubling array. */
	if (w && w < b->cap) {
		struct pyn_plan_test *fit =
			realloc(plan->tests, w * sizeof(*fit));

		if (fit) {
			plan->tests = fit;
			b->cap = w;
		}
	}
	for (i = 0; i < w; i++) {
		int rc;

		plan->tests[i].order = i;
		rc = pyn__strset_add(&seen, plan->tests[i].suite, i, NULL);
		if (rc < 0) {
			pyn__strset_release(&seen);
			return pyn__build_nomem(b);
		}
		if (rc)
			suites[plan->n_suites++] = plan->tests[i].suite;
	}
	plan->suites = suites;
	pyn__strset_release(&seen);
	return 0;
}
