/* SPDX-License-Identifier: MIT */
/* bench/soak/print.c - the output soak's test: 1 MiB on stdout, passes. */
#include <stdio.h>

void soak_print_1mb(void);

void soak_print_1mb(void)
{
	static char block[1 << 16];

	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (i % 64) == 63 ? '\n' : 'x';
	for (int i = 0; i < 16; i++)
		fwrite(block, 1, sizeof(block), stdout);
	fflush(stdout);
}
