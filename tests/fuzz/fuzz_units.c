/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_units.c - libFuzzer target: time and memory values.
 *
 * The input is split at the first NUL into a value and a unit, and both
 * are fed to every parser.  Accepted values must be positive and in range.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pyn_error err;
	char *text = malloc(size + 1);
	const char *unit;
	uint64_t bytes;
	double secs;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	unit = text + strlen(text);
	if ((size_t)(unit - text) < size)
		unit++;
	if (pyn_time_parse(text, &secs, &err) == 0 &&
	    !(secs > 0 && secs <= PYN_TIME_MAX_S))
		abort();
	if (pyn_time_parse_pair(text, unit, &secs, &err) == 0 &&
	    !(secs > 0 && secs <= PYN_TIME_MAX_S))
		abort();
	if (pyn_memory_parse(text, &bytes, &err) == 0 && bytes == 0)
		abort();
	if (pyn_memory_parse_pair(text, unit, &bytes, &err) == 0 && bytes == 0)
		abort();
	(void)pyn_units_is_none(text);
	free(text);
	return 0;
}
