/* SPDX-License-Identifier: MIT */
/*
 * base/error_list.c - a bounded list of struct pyn_error, in file order.
 */
#include <stdlib.h>
#include <string.h>

#include "base/error_list.h"

int pyn__error_list_add(struct pyn__error_list *l, const struct pyn_error *e)
{
	size_t max = l->max ? l->max : PYN__ERROR_LIST_MAX;
	struct pyn_error *items;

	l->total++;
	if (l->n >= max)
		return e->code;
	/* Grown one at a time: a list holds a handful, at most `max`. */
	items = realloc(l->items, (l->n + 1) * sizeof(*items));
	if (!items)
		return e->code;
	l->items = items;
	l->items[l->n++] = *e;
	return e->code;
}

/* Is `a` (of file rank `ra`) before `b` (of rank `rb`)? */
static int before(const struct pyn_error *a, size_t ra,
		  const struct pyn_error *b, size_t rb)
{
	if (ra != rb)
		return ra < rb;
	if (!a->line || !b->line)
		return 0; /* no place: stays where it came */
	if (a->line != b->line)
		return a->line < b->line;
	return a->column < b->column;
}

void pyn__error_list_sort(struct pyn__error_list *l)
{
	size_t *rank, i, j, k;

	rank = malloc((l->n + 1) * sizeof(*rank));
	if (!rank)
		return; /* left in the order found */
	/* A file's rank: where it is first named. */
	for (i = 0; i < l->n; i++) {
		for (k = 0; k < i && strcmp(l->items[k].file, l->items[i].file);
		     k++)
			;
		rank[i] = k;
	}
	/* Insertion sort: stable, and the list is short and nearly sorted. */
	for (i = 1; i < l->n; i++) {
		struct pyn_error e = l->items[i];
		size_t r = rank[i];

		for (j = i;
		     j > 0 && before(&e, r, &l->items[j - 1], rank[j - 1]);
		     j--) {
			l->items[j] = l->items[j - 1];
			rank[j] = rank[j - 1];
		}
		l->items[j] = e;
		rank[j] = r;
	}
	free(rank);
}

void pyn__error_list_print(FILE *out, const struct pyn__error_list *l)
{
	char buf[PYN_ERROR_MESSAGE_MAX + PYN_ERROR_FILE_MAX + 64];
	size_t i;

	for (i = 0; i < l->n; i++)
		fprintf(out, "%s\n",
			pyn_error_format(&l->items[i], buf, sizeof(buf)));
	if (l->total > l->n)
		fprintf(out, "... and %zu more error%s\n", l->total - l->n,
			l->total - l->n == 1 ? "" : "s");
}

void pyn__error_list_release(struct pyn__error_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = 0;
	l->total = 0;
}
