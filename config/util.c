/* SPDX-License-Identifier: MIT */
/*
 * config/util.c - hashing and a string set.  (Did-you-mean, signal and
 * outcome names are base/'s.)
 */
#include "config/util.h"

#include <stdlib.h>
#include <string.h>

bool pyn__str_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

uint64_t pyn__fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static size_t slot_of(const struct pyn__strset *set, const char *key)
{
	size_t i = (size_t)pyn__fnv1a64(key) & (set->cap - 1);

	while (set->keys[i] && strcmp(set->keys[i], key) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

static int grow(struct pyn__strset *set)
{
	struct pyn__strset bigger = { 0 };
	size_t i;

	bigger.cap = set->cap ? set->cap * 2 : 64;
	bigger.keys = calloc(bigger.cap, sizeof(*bigger.keys));
	bigger.values = calloc(bigger.cap, sizeof(*bigger.values));
	if (!bigger.keys || !bigger.values) {
		free(bigger.keys);
		free(bigger.values);
		return -1;
	}
	for (i = 0; i < set->cap; i++) {
		size_t j;

		if (!set->keys[i])
			continue;
		j = slot_of(&bigger, set->keys[i]);
		bigger.keys[j] = set->keys[i];
		bigger.values[j] = set->values[i];
	}
	bigger.n = set->n;
	free(set->keys);
	free(set->values);
	*set = bigger;
	return 0;
}

int pyn__strset_add(struct pyn__strset *set, const char *key, size_t value,
		    size_t *old)
{
	size_t i;

	if ((set->n + 1) * 2 > set->cap && grow(set) < 0)
		return -1;
	i = slot_of(set, key);
	if (set->keys[i]) {
		if (old)
			*old = set->values[i];
		return 0;
	}
	set->keys[i] = key;
	set->values[i] = value;
	set->n++;
	return 1;
}

bool pyn__strset_get(const struct pyn__strset *set, const char *key,
		     size_t *value)
{
	size_t i;

	if (!set->cap)
		return false;
	i = slot_of(set, key);
	if (!set->keys[i])
		return false;
	if (value)
		*value = set->values[i];
	return true;
}

void pyn__strset_release(struct pyn__strset *set)
{
	if (!set)
		return;
	free(set->keys);
	free(set->values);
	memset(set, 0, sizeof(*set));
}
