/* SPDX-License-Identifier: MIT */
/*
 * config/util.h - small helpers shared by the config layer.
 */
#ifndef PYN_CONFIG_UTIL_H
#define PYN_CONFIG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* FNV-1a, 64 bits: the shard hash (stable across runs and machines). */
uint64_t pyn__fnv1a64(const char *s);

/* Does `s` end with `suffix`? */
bool pyn__str_ends_with(const char *s, const char *suffix);

/*
 * A set of strings mapping each to a caller's index; the strings are
 * borrowed and must outlive the set.
 */
struct pyn__strset {
	const char **keys;
	size_t *values;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

/*
 * Add `key` with `value`.  Returns 1 when added, 0 when present (then
 * *old, when not NULL, gets its value), -1 when out of memory.
 */
int pyn__strset_add(struct pyn__strset *set, const char *key, size_t value,
		    size_t *old);
bool pyn__strset_get(const struct pyn__strset *set, const char *key,
		     size_t *value);
void pyn__strset_release(struct pyn__strset *set);

#endif /* PYN_CONFIG_UTIL_H */
