/* SPDX-License-Identifier: MIT */
/* calc.c - the code under test. */
#include <stdlib.h>

#include "calc.h"

int calc_add(int a, int b)
{
	return a + b;
}

int calc_div(int a, int b, int *q)
{
	if (b == 0)
		return -1;
	*q = a / b;
	return 0;
}

size_t calc_digits(long n)
{
	size_t d = 1;

	while (n <= -10 || n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

long *calc_squares(size_t n)
{
	long *t = malloc(n * sizeof(*t));
	size_t i;

	if (!t)
		return NULL;
	for (i = 0; i < n; i++)
		t[i] = (long)(i * i);
	return t;
}
