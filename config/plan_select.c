/* SPDX-License-Identifier: MIT */
/*
 * config/plan_select.c - which tests of the plan run: -k filters, the
 * runner's own choice (--last-failed), then --shard I/N
 * (plan_partition.c), then the plan's order and its list of suites.
 *
 * A filter is a substring of the id (pytest's -k, nextest's filter), or,
 * when it has a glob character (`*`, `?`, `[` or a `\` escape), a glob
 * that must match the whole id; a leading `!` excludes.  A filter that
 * selects nothing is said, with the closest ids (plan_suggest below).
 *
 * Uses the arena (plan_arena.c) and config/util.h (the string set).
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/plan_internal.h"

/* Closest ids named when a filter selects nothing. */
#define CLOSEST 3

bool pyn_plan_filter_is_glob(const char *pattern)
{
	return strpbrk(pattern, "*?[\\") != NULL;
}

bool pyn_plan_filter_match(const char *pattern, const char *id)
{
	if (pyn_plan_filter_is_glob(pattern))
		return fnmatch(pattern, id, 0) == 0;
	return strstr(id, pattern) != NULL;
}

/*
 * Do the filters select the test?  `hit[i]` is set for each positive
 * filter i that matches the id, so that a filter selecting nothing can be
 * named.
 */
static unsigned char selected(const struct pyn_plan_options *o, const char *id,
			      bool *hit)
{
	bool positive = false, matched = false;
	size_t i;

	if (!o)
		return true;
	for (i = 0; i < o->n_filters; i++) {
		const char *f = o->filters[i];

		if (f[0] == '!') {
			if (pyn_plan_filter_match(f + 1, id))
				return false;
			continue;
		}
		positive = true;
		if (pyn_plan_filter_match(f, id)) {
			matched = true;
			hit[i] = true;
		}
	}
	return !positive || matched;
}

/*
 * The fewest edits that turn `pat` into some substring of `id` (Sellers'
 * approximate matching), capped at `cap` + 1; for a glob, the pattern's
 * literal characters stand in for it.
 */
static unsigned substring_distance(const char *pat, const char *id,
				   unsigned cap)
{
	unsigned col[65], best = cap + 1;
	size_t m = strlen(pat);

	if (m > 64)
		return cap + 1;
	for (size_t i = 0; i <= m; i++)
		col[i] = (unsigned)i;
	if (col[m] < best)
		best = col[m];
	for (const char *p = id; *p; p++) {
		unsigned diag = col[0];

		col[0] = 0; /* a match may start anywhere in the id */
		for (size_t i = 1; i <= m; i++) {
			unsigned up = col[i];
			unsigned v = diag + (pat[i - 1] == *p ? 0 : 1);

			if (up + 1 < v)
				v = up + 1;
			if (col[i - 1] + 1 < v)
				v = col[i - 1] + 1;
			col[i] = v;
			diag = up;
		}
		if (col[m] < best)
			best = col[m];
	}
	return best;
}

/* The filter without glob characters: what it is trying to spell. */
static void literal_part(const char *f, char *buf, size_t len)
{
	size_t w = 0;

	for (; *f && w + 1 < len; f++) {
		if (*f == '*' || *f == '?' || *f == '[' || *f == ']')
			continue;
		if (*f == '\\' && f[1])
			f++;
		buf[w++] = *f;
	}
	buf[w] = '\0';
}

/* No wildcard left unescaped: a name (--exact, a Bazel filter), not a glob. */
static bool is_literal(const char *f)
{
	for (; *f; f++) {
		if (*f == '\\' && f[1])
			f++;
		else if (*f == '*' || *f == '?' || *f == '[')
			return false;
	}
	return true;
}

/*
 * "-k 'test_pas' selects no test; closest ids: math.test_pass": the ids
 * (all of them, before any filter) that the filter is fewest edits from.
 */
static void plan_suggest(struct pyn__build *b, const char *filter)
{
	const struct pyn_plan *plan = b->plan;
	const char *best[CLOSEST];
	unsigned best_d[CLOSEST], cap;
	char lit[128], msg[1024];
	size_t n = 0, len;
	int w;

	literal_part(filter, lit, sizeof(lit));
	len = strlen(lit);
	cap = len >= 9 ? 3 : len >= 3 ? 2 : 1;
	for (size_t i = 0; i < plan->n_tests && len; i++) {
		const char *id = plan->tests[i].id;
		unsigned d = substring_distance(lit, id, cap);
		size_t k;

		if (d > cap)
			continue;
		/* A short sorted list; ties keep plan order. */
		for (k = n; k > 0 && best_d[k - 1] > d; k--) {
			if (k < CLOSEST) {
				best[k] = best[k - 1];
				best_d[k] = best_d[k - 1];
			}
		}
		if (k < CLOSEST) {
			best[k] = id;
			best_d[k] = d;
			if (n < CLOSEST)
				n++;
		}
	}
	/* A name is shown as typed, without the escapes that made it one. */
	w = snprintf(msg, sizeof(msg), "filter '%s' selects no test",
		     is_literal(filter) ? lit : filter);
	for (size_t k = 0; k < n && w > 0 && (size_t)w < sizeof(msg); k++)
		w += snprintf(msg + w, sizeof(msg) - (size_t)w, "%s%s",
			      k ? ", " : "; closest ids: ", best[k]);
	b->opt->warn(b->opt->user, msg);
}

int pyn__plan_select(struct pyn__build *b)
{
	struct pyn_plan *plan = b->plan;
	struct pyn__strset seen = { 0 };
	size_t i, w = 0, n_filters = b->opt ? b->opt->n_filters : 0;
	bool *hit = calloc(n_filters + 1, sizeof(*hit));
	unsigned char *sel = calloc(plan->n_tests + 1, sizeof(*sel));
	char **suites;

	if (!hit || !sel) {
		free(hit);
		free(sel);
		return pyn__build_nomem(b);
	}
	for (i = 0; i < plan->n_tests; i++)
		sel[i] = selected(b->opt, plan->tests[i].id, hit);
	for (i = 0; b->opt && b->opt->warn && i < n_filters; i++)
		if (!hit[i] && b->opt->filters[i][0] != '!')
			plan_suggest(b, b->opt->filters[i]);
	if (b->opt && b->opt->keep) {
		/* sel: 1 the filters select it, 2 the runner keeps it too. */
		bool any = false;

		for (i = 0; i < plan->n_tests; i++) {
			if (sel[i] && b->opt->keep(b->opt->keep_user,
						   plan->tests[i].id)) {
				sel[i] = 2;
				any = true;
			}
		}
		for (i = 0; any && i < plan->n_tests; i++)
			sel[i] = sel[i] == 2;
	}
	for (i = 0; i < plan->n_tests; i++)
		if (sel[i])
			plan->tests[w++] = plan->tests[i];
	free(hit);
	free(sel);
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
