/* SPDX-License-Identifier: MIT */
/*
 * tests/api/fixture.c - functions named by symbol, for the API's spawn
 * and forkserver modes (pynisher's context="spawn"/"forkserver").
 */
#include <unistd.h>

#include <pyntest/test.h>

PYN_API void api_hello(void);
PYN_API void api_fail(void);
PYN_API void api_sleep(void);

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
