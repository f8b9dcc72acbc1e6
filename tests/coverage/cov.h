/* SPDX-License-Identifier: MIT */
/* tests/coverage/cov.h - the coverage fixture's functions. */
#ifndef PYN_COVERAGE_COV_H
#define PYN_COVERAGE_COV_H

#include <CUnit/CUnit.h>

int cov_classify(int x);
int cov_sum(const int *v, int n);
void cov_skip(const char *why);
extern int cov_loaded;
extern CU_SuiteInfo cov_suites[];

#endif
