/* SPDX-License-Identifier: MIT */
/*
 * config/plan_partition.c - --shard I/N: which of the selected tests are
 * this shard's.  Every shard of a run computes the same split from the
 * same inputs (the selected ids in plan order, and for `time` their
 * durations), so each test runs in exactly one shard.
 *
 *  - hash:  FNV-1a of the id modulo N.  A test keeps its shard whatever
 *           tests are added or removed; sizes are uneven.
 *  - count: round robin in plan order.  Sizes differ by at most one.
 *  - time:  longest first, each test to the shard with the least time so
 *           far (Graham's LPT: the slowest shard is within 4/3 of the
 *           best possible).  A test's weight is its duration plus 1 ms,
 *           the cost of a test's process, so a shard of many fast tests
 *           is not taken for empty; a test with no known duration weighs
 *           the median of the known ones (1 ms when none is known).
 *           Ties go by id, then to the shard with fewer tests, then the
 *           lower index: no order of hashing or sorting can differ
 *           between machines.
 */
#include <stdlib.h>
#include <string.h>

#include "config/plan_internal.h"

/* The cost of a test's process, added to every duration (see above). */
#define PER_TEST_S 0.001

struct weighed {
	const char *id;
	double seconds;
	size_t index; /* in plan->tests */
};

struct bin {
	double load;
	size_t count;
	unsigned index;
};

static int by_weight(const void *pa, const void *pb)
{
	const struct weighed *a = pa, *b = pb;

	if (a->seconds != b->seconds)
		return a->seconds > b->seconds ? -1 : 1;
	return strcmp(a->id, b->id);
}

static int by_seconds(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b;
}

static bool bin_less(const struct bin *a, const struct bin *b)
{
	if (a->load != b->load)
		return a->load < b->load;
	if (a->count != b->count)
		return a->count < b->count;
	return a->index < b->index;
}

/* Restore the min-heap from position i down. */
static void sift_down(struct bin *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct bin t;

		if (l < n && bin_less(&h[l], &h[m]))
			m = l;
		if (r < n && bin_less(&h[r], &h[m]))
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* The median of the known durations (plus PER_TEST_S), or PER_TEST_S. */
static double median_known(const struct weighed *w, size_t n)
{
	double *known, m = PER_TEST_S;
	size_t k = 0;

	known = malloc((n ? n : 1) * sizeof(*known));
	if (!known)
		return m;
	for (size_t i = 0; i < n; i++)
		if (w[i].seconds >= 0)
			known[k++] = w[i].seconds + PER_TEST_S;
	if (k) {
		qsort(known, k, sizeof(*known), by_seconds);
		m = k % 2 ? known[k / 2] :
			    (known[k / 2 - 1] + known[k / 2]) / 2;
	}
	free(known);
	return m;
}

/* keep[i] = whether plan->tests[i] is in shard `me` of `n` by time. */
static int by_time(struct pyn__build *b, unsigned me, unsigned n, bool *keep)
{
	const struct pyn_plan_options *o = b->opt;
	struct pyn_plan *plan = b->plan;
	struct weighed *w;
	struct bin *heap;
	double unknown;

	w = malloc((plan->n_tests ? plan->n_tests : 1) * sizeof(*w));
	heap = malloc(n * sizeof(*heap));
	if (!w || !heap) {
		free(w);
		free(heap);
		return PYN_ENOMEM;
	}
	for (size_t i = 0; i < plan->n_tests; i++) {
		w[i].id = plan->tests[i].id;
		w[i].index = i;
		w[i].seconds = o->duration ? o->duration(o->user, w[i].id) : -1;
	}
	unknown = median_known(w, plan->n_tests);
	for (size_t i = 0; i < plan->n_tests; i++)
		w[i].seconds =
			w[i].seconds >= 0 ? w[i].seconds + PER_TEST_S : unknown;
	qsort(w, plan->n_tests, sizeof(*w), by_weight);
	for (unsigned i = 0; i < n; i++)
		heap[i] = (struct bin){ .load = 0, .count = 0, .index = i };
	for (size_t i = 0; i < plan->n_tests; i++) {
		keep[w[i].index] = heap[0].index == me;
		heap[0].load += w[i].seconds;
		heap[0].count++;
		sift_down(heap, n, 0);
	}
	free(w);
	free(heap);
	return 0;
}

int pyn__plan_partition(struct pyn__build *b)
{
	const struct pyn_plan_options *o = b->opt;
	struct pyn_plan *plan = b->plan;
	unsigned n, me;
	bool *keep;
	size_t w = 0;

	if (!o || o->shard_count <= 1)
		return 0;
	n = o->shard_count;
	me = o->shard_index;
	keep = calloc(plan->n_tests ? plan->n_tests : 1, sizeof(*keep));
	if (!keep)
		return PYN_ENOMEM;
	switch (o->shard_by) {
	case PYN_SHARD_BY_TIME:
		if (by_time(b, me, n, keep)) {
			free(keep);
			return PYN_ENOMEM;
		}
		break;
	case PYN_SHARD_BY_COUNT:
		for (size_t i = 0; i < plan->n_tests; i++)
			keep[i] = i % n == me;
		break;
	case PYN_SHARD_BY_HASH:
	default:
		for (size_t i = 0; i < plan->n_tests; i++)
			keep[i] = pyn__fnv1a64(plan->tests[i].id) % n == me;
		break;
	}
	for (size_t i = 0; i < plan->n_tests; i++)
		if (keep[i])
			plan->tests[w++] = plan->tests[i];
	plan->n_tests = w;
	free(keep);
	return 0;
}
