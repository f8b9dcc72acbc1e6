/* SPDX-License-Identifier: MIT */
/*
 * tests/perf/sleepy.c - fixture tests for the scheduler checks: tests that
 * only sleep, so how long each takes does not depend on CPU contention.
 */
#include <time.h>

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) != 0)
		;
}

void nap_short(void)
{
	nap_ms(30);
}

void nap_medium(void)
{
	nap_ms(150);
}

void nap_long(void)
{
	nap_ms(400);
}
