/* SPDX-License-Identifier: MIT */
/*
 * base/suggest.h - did-you-mean: the closest known word to a misspelt one.
 *
 * One rule for every suggestion pyntest makes (manifest keys, outcomes,
 * isolation modes, limiter names and options, command-line options):
 * two edits for words of three letters and more, one below, case ignored.
 */
#ifndef PYN_BASE_SUGGEST_H
#define PYN_BASE_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance, capped at `cap` + 1 (words over 64: cap + 1). */
unsigned pyn__edit_distance(const char *a, const char *b, unsigned cap);

/*
 * The closest candidate to `word`, or NULL when none is close enough.
 * `name_of(user, i)` gives candidate i for i = 0, 1, ... and NULL after
 * the last, so that names kept in any table can be offered.
 */
const char *pyn__suggest_in(const char *word,
			    const char *(*name_of)(void *user, size_t i),
			    void *user);

/* The same for a NULL-terminated array of strings. */
const char *pyn__suggest(const char *word, const char *const *candidates);

#endif /* PYN_BASE_SUGGEST_H */
