/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/ctor_spin.c - a library whose constructor spins for ever:
 * its tests end at their CPU limit while the library loads.
 */
void fx_never(void);

__attribute__((constructor)) static void spin(void)
{
	volatile unsigned long i = 0;

	for (;;)
		i++;
}

void fx_never(void)
{
}
