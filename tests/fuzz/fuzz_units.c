/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_units.c - libFuzzer target: time and memory values
 * (base/units.c, the grammar of the manifest and the C API alike).
 *
 * The input is split at the first NUL into a value and a unit, and both
 * are fed to every parser.  Accepted values must be positive and in range,
 * and the C API must agree with the manifest's parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pyntest/pyntest.h>

#include "base/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pyn_error err;
	char *text = malloc(size + 1);
	const char *unit;
	uint64_t bytes, api_bytes;
	double secs, api_secs;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	unit = text + strlen(text);
	if ((size_t)(unit - text) < size)
		unit++;
	rc = pyn__time_parse("t", NULL, text, NULL, &secs, &err);
	if (rc == 0 &&
	    !(secs >= PYN__TIME_MIN_S * (1 - 1e-9) && secs <= PYN__TIME_MAX_S))
		abort();
	if ((pyn_seconds(text, &api_secs, &err) == 0) != (rc == 0) ||
	    (rc == 0 && api_secs != secs))
		abort();
	if (pyn__time_parse("t", NULL, text, unit, &secs, &err) == 0 &&
	    !(secs > 0 && secs <= PYN__TIME_MAX_S))
		abort();
	rc = pyn__memory_parse("m", NULL, text, NULL, &bytes, &err);
	if (rc == 0 && !(bytes > 0 && bytes <= PYN__MEMORY_MAX_BYTES))
		abort();
	if ((pyn_bytes(text, &api_bytes, &err) == 0) != (rc == 0) ||
	    (rc == 0 && api_bytes != bytes))
		abort();
	if (pyn__memory_parse("m", NULL, text, unit, &bytes, &err) == 0 &&
	    bytes == 0)
		abort();
	(void)pyn__units_is_none(text);
	free(text);
	return 0;
}
