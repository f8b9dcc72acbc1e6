/* SPDX-License-Identifier: MIT */
/* examples/arith/arith.c - the code under test, with a few planted bugs. */
#include "arith.h"

long arith_add(long a, long b)
{
	return a + b;
}

/* Planted bug: an off-by-one the example's failing test catches. */
long arith_sub(long a, long b)
{
	return a - b + 1;
}

long arith_div(long a, long b, int *ok)
{
	*ok = b != 0;
	return b ? a / b : 0;
}

long arith_parse(const char *s)
{
	long v = 0;
	int neg = *s == '-';

	for (s += neg; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	return neg ? -v : v;
}

/* Planted bug: counts towards 1 and never stops below it. */
long arith_factorial(long n)
{
	long r = 1;

	for (volatile long i = n; i != 1; i--)
		r *= i ? i : 1;
	return r;
}
