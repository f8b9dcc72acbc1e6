/* SPDX-License-Identifier: MIT */
/*
 * tests/api/fixture.c - functions named by symbol, for the API's spawn
 * and forkserver modes (pynisher's context="spawn"/"forkserver").
 */
#include <stdlib.h>
#include <unistd.h>

#include <pyntest/test.h>

PYN_API void api_hello(void);
PYN_API void api_fail(void);
PYN_API void api_sleep(void);
PYN_API void api_eat(void);

void api_hello(void)
{
	pyn_return("hello", 6);
}

void api_fail(void)
{
	pyn_fail(42, "parse error at line %d", 7);
}

void api_sleep(void)
{
	for (;;)
		pause();
}

/* 512 MiB, every page touched; abort() when the allocation fails. */
void api_eat(void)
{
	size_t n = (size_t)512 << 20;
	char *p = malloc(n);

	if (!p)
		abort();
	for (size_t i = 0; i < n; i += 4096)
		((volatile char *)p)[i] = 1;
	free(p);
}
