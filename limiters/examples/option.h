/* SPDX-License-Identifier: MIT */
/*
 * limiters/examples/option.h - option parsing shared by the example
 * plug-ins (header-only: each plug-in is built from its own .c against
 * <pyntest/limiter.h> alone).
 */
#ifndef PYN_EXAMPLES_OPTION_H
#define PYN_EXAMPLES_OPTION_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pyntest/limiter.h>

/*
 * A positive integer, optionally with a size unit when `sized` (B, KB, MB,
 * GB: powers of 1024, KiB/MiB/GiB alike).  Returns 0, or -1 with a message
 * naming the key and the value.
 */
static inline int ex_parse_count(const struct pyn_limiter_option *o, int sized,
				 uint64_t max, uint64_t *out, char *msg,
				 size_t msg_len)
{
	static const struct {
		const char *unit;
		unsigned shift;
	} units[] = { { "b", 0 },    { "kb", 10 }, { "kib", 10 }, { "mb", 20 },
		      { "mib", 20 }, { "gb", 30 }, { "gib", 30 } };
	unsigned long long v;
	char *end;
	size_t i;

	errno = 0;
	v = strtoull(o->value ? o->value : "", &end, 10);
	if (o->value && end != o->value && o->value[0] != '-' && !errno) {
		while (*end == ' ')
			end++;
		if (sized && *end) {
			for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
				if (strcasecmp(end, units[i].unit) == 0)
					break;
			if (i < sizeof(units) / sizeof(units[0]) &&
			    v <= (UINT64_MAX >> units[i].shift)) {
				v <<= units[i].shift;
				end += strlen(end);
			}
		}
		if (!*end && v > 0 && v <= max) {
			*out = v;
			return 0;
		}
	}
	if (v > max && !*end && o->value[0] != '-')
		snprintf(msg, msg_len, "'%s' must be at most %llu, not '%s'",
			 o->key, (unsigned long long)max, o->value);
	else
		snprintf(msg, msg_len, "'%s' must be a positive %s, not '%s'",
			 o->key,
			 sized ? "number of bytes (units B KB MB GB)" :
				 "integer",
			 o->value ? o->value : "");
	return -1;
}

/* "true"/"false" and the YAML spellings. */
static inline int ex_parse_bool(const struct pyn_limiter_option *o, int *out,
				char *msg, size_t msg_len)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (o->value && strcasecmp(o->value, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (o->value && strcasecmp(o->value, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	snprintf(msg, msg_len, "'%s' must be true or false, not '%s'", o->key,
		 o->value ? o->value : "");
	return -1;
}

/* The unknown-key message every example uses. */
static inline int ex_unknown_key(const struct pyn_limiter_option *o,
				 const char *keys, char *msg, size_t msg_len)
{
	snprintf(msg, msg_len, "unknown option '%s' (known: %s)", o->key, keys);
	return -1;
}

#endif
