/* SPDX-License-Identifier: MIT */
/* bench/soak/print.c - the output soak's test: SOAK_OUTPUT_MIB MiB on stdout. */
#include <stdio.h>
#include <stdlib.h>

void soak_print(void);

void soak_print(void)
{
	static char block[1 << 16];
	const char *mib = getenv("SOAK_OUTPUT_MIB");
	long n = (mib ? strtol(mib, NULL, 10) : 1) * 16;

	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (i % 64) == 63 ? '\n' : 'x';
	for (long i = 0; i < n; i++)
		fwrite(block, 1, sizeof(block), stdout);
	fflush(stdout);
}
