/* SPDX-License-Identifier: MIT */
/*
 * config/units.h - time and memory values of the manifest (SPEC §1).
 *
 * Time: a number (seconds), a string with a unit ("500ms", "30s", "2m",
 * "1.5h") or a [value, unit] pair; units ms s m h.
 * Memory: a number (bytes), "500MB" or [500, MB]; units B KB MB GB
 * (powers of 1024, as pynisher), KiB MiB GiB the same, KB and kB alike.
 *
 * Every parser takes the text as written and fills `err` (code PYN_EMANIFEST,
 * no location: the caller adds the node's) on failure.  Zero and negative
 * values are errors: a limit is removed with null/none, which the caller
 * checks first with pyn_units_is_none().
 */
#ifndef PYN_CONFIG_UNITS_H
#define PYN_CONFIG_UNITS_H

#include <stdbool.h>
#include <stdint.h>

#include <pyntest/error.h>

/* Longest time limit accepted: ten years of seconds. */
#define PYN_TIME_MAX_S (10.0 * 365 * 24 * 3600)

/* Is `text` one of the spellings that remove a limit (null, ~, none)? */
bool pyn_units_is_none(const char *text);

/* "2.5", "500ms", "2 m", "1.5h" -> seconds. */
int pyn_time_parse(const char *text, double *seconds, struct pyn_error *err);
/* [value, unit]: ("500", "ms") -> 0.5 seconds. */
int pyn_time_parse_pair(const char *value, const char *unit, double *seconds,
			struct pyn_error *err);

/* "1048576", "500MB", "1.5 GiB" -> bytes. */
int pyn_memory_parse(const char *text, uint64_t *bytes, struct pyn_error *err);
/* [value, unit]: ("64", "MB") -> 67108864. */
int pyn_memory_parse_pair(const char *value, const char *unit, uint64_t *bytes,
			  struct pyn_error *err);

/*
 * Any of the above, with `what` ("output limit") naming the limit in
 * messages: a time (`memory` false) into `seconds` or a memory value into
 * `bytes`; `unit` NULL parses `value` alone, else the pair.  Times below
 * 1 ms are refused: reports show milliseconds, so they would read 0.
 */
int pyn__limit_parse(const char *what, bool memory, const char *value,
		     const char *unit, double *seconds, uint64_t *bytes,
		     struct pyn_error *err);

/* Fill `err` without going through libpyntest (config stands alone). */
int pyn__config_error(struct pyn_error *err, int code, const char *file,
		      unsigned line, unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif /* PYN_CONFIG_UNITS_H */
