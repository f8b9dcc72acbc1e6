/* SPDX-License-Identifier: MIT */
/*
 * tests/robust/ctor_crash.c - a test library whose constructor crashes
 * (SIGSEGV) every time it is loaded: the runner must never load it
 * itself, and each test must get an `error` saying it happened while
 * loading.
 */
#include <signal.h>

void rb_ctor_crash_test(void);

__attribute__((constructor)) static void crash_on_load(void)
{
	raise(SIGSEGV);
}

void rb_ctor_crash_test(void)
{
}
