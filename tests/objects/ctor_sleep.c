/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/ctor_sleep.c - a library whose constructor sleeps 30 s:
 * its tests are still waiting for it when the run is interrupted.
 */
#include <unistd.h>

void fx_never(void);

__attribute__((constructor)) static void nap(void)
{
	sleep(30);
}

void fx_never(void)
{
}
