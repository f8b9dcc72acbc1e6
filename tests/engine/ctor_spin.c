/* SPDX-License-Identifier: MIT */
/* tests/engine/ctor_spin.c - a library whose constructor spins. */
#include <time.h>

__attribute__((visibility("default"))) void fx_never(void);

__attribute__((constructor)) static void spin(void)
{
	volatile unsigned long x = 0;
	time_t end = time(NULL) + 30;

	while (time(NULL) < end)
		x++;
}

void fx_never(void)
{
}
