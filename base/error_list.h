/* SPDX-License-Identifier: MIT */
/*
 * base/error_list.h - many errors at once: what a manifest or a plan
 * reports when it holds more than one independent mistake.
 *
 * The list keeps the first `max` errors added (PYN__ERROR_LIST_MAX when
 * 0) and counts every one, so that a reader can say "... and N more".
 * Out of memory while growing only stops keeping: the count stays true.
 */
#ifndef PYN_BASE_ERROR_LIST_H
#define PYN_BASE_ERROR_LIST_H

#include <stddef.h>
#include <stdio.h>

#include <pyntest/error.h>

/* How many errors a list keeps unless told otherwise. */
#define PYN__ERROR_LIST_MAX 20

struct pyn__error_list {
	struct pyn_error *items; /* the first `n` added */
	size_t n;
	size_t total; /* every error added, kept or not */
	size_t max; /* keep at most this many; 0: PYN__ERROR_LIST_MAX */
};

/* Add a copy of `e`; returns e->code. */
int pyn__error_list_add(struct pyn__error_list *l, const struct pyn_error *e);
/*
 * Put the kept errors in the order of the files they name (first seen
 * first, errors with no file where they were), then by line and column;
 * errors at the same place keep the order they came in.
 */
void pyn__error_list_sort(struct pyn__error_list *l);
/*
 * Print each kept error to `out` as pyn_error_format() does, one a line,
 * then "... and N more errors" for those past the cap.
 */
void pyn__error_list_print(FILE *out, const struct pyn__error_list *l);
/* Free what the list keeps and empty it (`max` is kept). */
void pyn__error_list_release(struct pyn__error_list *l);

#endif /* PYN_BASE_ERROR_LIST_H */
