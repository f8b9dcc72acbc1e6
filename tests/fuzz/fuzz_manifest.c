/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_manifest.c - libFuzzer target: any bytes as a manifest.
 *
 * The loader must return 0 or an error with a message and a location,
 * never crash, leak or read out of bounds (ASan/UBSan are on).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pyn_manifest *m = NULL;
	struct pyn_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = pyn_manifest_load_buffer(&m, (const char *)data, size, "fuzz.yaml",
				      "/nonexistent", &err);
	if (rc == 0) {
		if (!m)
			abort();
		pyn_manifest_free(m);
	} else if (m || rc != err.code || !err.message[0] ||
		   strlen(err.message) >= sizeof(err.message)) {
		abort();
	}
	return 0;
}
