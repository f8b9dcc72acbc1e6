/* SPDX-License-Identifier: MIT */
/*
 * tests/coverage/cov_code.c - the code under test of the coverage
 * fixture: branches that only some tests take, so that a lost test's
 * counters show in the line and branch totals.
 */
#include "cov.h"

int cov_classify(int x)
{
	if (x < 0)
		return -1;
	if (x == 0)
		return 0;
	if (x > 1000)
		return 2;
	return 1;
}

int cov_sum(const int *v, int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++) {
		if (v[i] % 2)
			s += v[i];
		else
			s -= v[i];
	}
	return s;
}

/* Run by the library's constructor, once per process that loads it. */
int cov_loaded;

__attribute__((constructor)) static void cov_load(void)
{
	cov_loaded = 1;
}
