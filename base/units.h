/* SPDX-License-Identifier: MIT */
/*
 * base/units.h - the one parser of time and memory values (SPEC §1),
 * for the manifest, the command line and the C API (pyn_seconds,
 * pyn_bytes) alike.
 *
 * Time: a number of seconds, or a number and a unit: ms s m h.
 * Memory: a number of bytes, or a number and a unit: B KB MB GB, powers
 * of 1024 (as pynisher), KiB MiB GiB the same.  Units in any case
 * ("4mb", "500MS"), a space or tab allowed around the number and unit.
 * A number is decimal: [+-]digits[.digits][e[+-]digits] (no hex, inf
 * or nan).  Zero and negative values are errors; so are times below
 * 1 ms (every report shows milliseconds), times over ten years, memory
 * over 2^62 bytes and fractions of a byte.  Anything else (TB, us, min,
 * K, ...) is refused, naming the units there are.
 *
 * `unit` NULL parses `value` alone ("500ms"); else it is the pair
 * [value, unit] of a manifest, whose value must be a plain number.
 * `what` names the value in messages ("wall time limit"); `hint` (may be
 * NULL) says how to have no limit, after "must be positive".  Errors are
 * PYN_EINVAL, without a location: the manifest adds the node's.
 */
#ifndef PYN_BASE_UNITS_H
#define PYN_BASE_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pyntest/error.h>

/* Longest time accepted: ten years of seconds. */
#define PYN__TIME_MAX_S (10.0 * 365 * 24 * 3600)
/* Smallest time accepted: reports show milliseconds. */
#define PYN__TIME_MIN_S 0.001
/* Largest memory value: far beyond any machine, and safe to add to. */
#define PYN__MEMORY_MAX_BYTES ((uint64_t)1 << 62)

int pyn__time_parse(const char *what, const char *hint, const char *value,
		    const char *unit, double *seconds, struct pyn_error *err);
int pyn__memory_parse(const char *what, const char *hint, const char *value,
		      const char *unit, uint64_t *bytes, struct pyn_error *err);

/* Is `text` a spelling that removes a limit in a manifest (null, ~, none)? */
bool pyn__units_is_none(const char *text);

#endif /* PYN_BASE_UNITS_H */
