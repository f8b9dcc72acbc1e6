/* SPDX-License-Identifier: MIT */
/*
 * tests/robust/ctor_exit.c - a test library whose constructor calls
 * exit(3) every time it is loaded: a test of it must not pass, and the
 * runner must say it happened while loading.
 */
#include <stdlib.h>

void rb_ctor_exit_test(void);

__attribute__((constructor)) static void exit_on_load(void)
{
	exit(3);
}

void rb_ctor_exit_test(void)
{
}
