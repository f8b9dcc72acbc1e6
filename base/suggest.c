/* SPDX-License-Identifier: MIT */
/*
 * base/suggest.c - did-you-mean (edit distance).
 */
#include <string.h>
#include <strings.h>

#include "base/suggest.h"

unsigned pyn__edit_distance(const char *a, const char *b, unsigned cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned row[65], best;

	/* Long words are never typos of the short keys we suggest. */
	if (la > 64 || lb > 64)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = (unsigned)i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned v = diag + cost;

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb] > cap ? cap + 1 : row[lb];
}

const char *pyn__suggest_in(const char *word,
			    const char *(*name_of)(void *user, size_t i),
			    void *user)
{
	const char *best = NULL, *name;
	unsigned best_d, cap, d;
	size_t i;

	if (!word || !name_of)
		return NULL;
	/* Two edits for words of three letters and more ("cnt" is
	 * "count"), one below. */
	cap = strlen(word) >= 3 ? 2 : 1;
	best_d = cap + 1;
	for (i = 0;; i++) {
		name = name_of(user, i);
		if (!name)
			break;
		d = strcasecmp(word, name) == 0 ?
			    0 :
			    pyn__edit_distance(word, name, cap);
		if (d < best_d) {
			best = name;
			best_d = d;
		}
	}
	return best;
}

static const char *nth_string(void *user, size_t i)
{
	return ((const char *const *)user)[i];
}

const char *pyn__suggest(const char *word, const char *const *candidates)
{
	if (!candidates)
		return NULL;
	return pyn__suggest_in(word, nth_string, (void *)candidates);
}
