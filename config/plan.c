/* SPDX-License-Identifier: MIT */
/*
 * config/plan.c - the plan's entry points: manifests -> the flat plan of
 * tests, and its release.
 *
 * Libraries, programs and plug-ins are found on disk and checked without
 * running a byte of them (plan_search.c, plan_resolve.c); only imported
 * CUnit suites need code to run to be listed, which the runner does
 * through `enumerate`.  The layers are described in
 * config/plan_internal.h; this file only puts them in order.
 */
#include <stdlib.h>
#include <string.h>

#include "config/plan_internal.h"

/* `rc`, or 0 when it is a mistake already listed and the build goes on. */
static int go_on(const struct pyn__build *b, int rc)
{
	return rc && pyn__build_more(b, rc) ? 0 : rc;
}

int pyn_plan_build(struct pyn_plan *plan, struct pyn_manifest *const *manifests,
		   size_t n_manifests, const struct pyn_plan_options *options,
		   struct pyn_error *err)
{
	struct pyn__build b = { .plan = plan,
				.opt = options,
				.err = err,
				.errors = options ? options->errors : NULL };
	size_t before = b.errors ? b.errors->total : 0;
	size_t i, j;
	int rc = 0;

	memset(plan, 0, sizeof(*plan));
	if (options && options->shard_count &&
	    options->shard_index >= options->shard_count)
		return pyn_error_set(
			err, PYN_EUSAGE, NULL, 0, 0,
			"bad shard %u/%u: the index must be below the count",
			options->shard_index, options->shard_count);
	for (i = 0; !rc && i < n_manifests; i++) {
		b.m = manifests[i];
		if (b.m->command_line &&
		    pyn__strset_add(&b.command_line, b.m->path, i, NULL) < 0)
			rc = pyn__build_nomem(&b);
		if (!rc)
			rc = go_on(&b, pyn__plan_check_limiters(
					       &b, &b.m->defaults));
		if (!rc)
			rc = go_on(&b, pyn__plan_add_plugins(&b));
		/* Each suite on its own: a bad one hides no later mistake. */
		for (j = 0; !rc && j < b.m->n_suites; j++)
			rc = go_on(&b,
				   pyn__plan_expand_suite(&b, &b.m->suites[j]));
	}
	b.m = NULL;
	if (!rc && b.errors && b.errors->total > before) {
		/* Every mistake is listed; `err` is the first of them. */
		pyn__error_list_sort(b.errors);
		if (err && b.errors->n)
			*err = b.errors->items[0];
		rc = b.errors->n ? b.errors->items[0].code : PYN_EMANIFEST;
	}
	if (!rc)
		rc = pyn__plan_select(&b);
	pyn__strset_release(&b.ids);
	pyn__strset_release(&b.suites);
	pyn__strset_release(&b.dedup);
	pyn__strset_release(&b.interned);
	pyn__strset_release(&b.command_line);
	if (rc)
		pyn_plan_release(plan);
	return rc;
}

void pyn_plan_release(struct pyn_plan *plan)
{
	if (!plan)
		return;
	free(plan->tests);
	pyn__arena_free(plan->arena);
	memset(plan, 0, sizeof(*plan));
}
