/* SPDX-License-Identifier: MIT */
/*
 * examples/api/memory_heavy.c - memory-limit an allocation-heavy routine.
 *
 * build_index() allocates a node per key.  With a limited function made
 * once (pynisher's `limit()` object) it is called with growing sizes under
 * 64 MiB: small inputs pass and report their peak, the big one is a
 * memory_limit outcome instead of the whole program dying.
 */
#include <stdio.h>
#include <stdlib.h>

#include <pyntest/pyntest.h>
#include <pyntest/test.h>

struct node {
	struct node *next;
	unsigned long key;
	char payload[48];
};

static void build_index(void *arg)
{
	unsigned long n = *(unsigned long *)arg, i;
	struct node *head = NULL, *node;

	for (i = 0; i < n; i++) {
		node = malloc(sizeof(*node));
		if (!node)
			pyn_fail(12, "out of memory after %lu nodes", i);
		node->key = i;
		node->next = head;
		head = node;
	}
	pyn_return(&n, sizeof(n));
}

int main(void)
{
	const unsigned long sizes[] = { 1000, 100000, 10000000 };
	struct pyn_limits lim = PYN_LIMITS_INIT;
	struct pyn_error err;
	struct pyn_limited *lf;
	struct pyn_result res = PYN_RESULT_INIT;
	size_t i;

	lim.memory_bytes = PYN_MiB(64);
	lim.wall_time_s = 20;
	lf = pyn_limited_new(build_index, &lim, &err);
	if (!lf) {
		fprintf(stderr, "error: %s\n", err.message);
		return 1;
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (pyn_limited_call(lf, (void *)&sizes[i], &res, &err) != 0) {
			fprintf(stderr, "error: %s\n", err.message);
			pyn_limited_free(lf);
			return 1;
		}
		printf("%lu nodes: %s", sizes[i],
		       pyn_outcome_name(res.outcome));
		if (res.outcome == PYN_OUTCOME_PASS)
			printf(" (peak %.1f MiB)\n",
			       (double)res.peak_memory_bytes / (1 << 20));
		else
			printf(" (%s)\n", res.message);
		pyn_result_release(&res);
	}
	pyn_limited_free(lf);
	return 0;
}
