/* SPDX-License-Identifier: MIT */
/* tests/engine/ctor_crash.c - a library whose constructor crashes. */
__attribute__((visibility("default"))) void fx_never(void);

/* A real fault, not a sanitizer report. */
__attribute__((constructor, no_sanitize("undefined"))) static void crash(void)
{
	/* Volatile pointer and store: -O2 cannot drop or trap the fault. */
	volatile int *volatile p = 0;
	*p = 1;
}

void fx_never(void)
{
}
