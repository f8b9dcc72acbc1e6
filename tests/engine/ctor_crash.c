/* SPDX-License-Identifier: MIT */
/* tests/engine/ctor_crash.c - a library whose constructor crashes. */
__attribute__((visibility("default"))) void fx_never(void);

__attribute__((constructor)) static void crash(void)
{
	volatile int *p = 0;
	*p = 1;
}

void fx_never(void)
{
}
