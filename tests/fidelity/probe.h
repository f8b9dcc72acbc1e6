/* SPDX-License-Identifier: MIT */
/* tests/fidelity/probe.h - the fidelity probe's functions (probe.c). */
#ifndef PYN_FIDELITY_PROBE_H
#define PYN_FIDELITY_PROBE_H

#include <CUnit/CUnit.h>

void fid_record(const char *tag, int err);
void fid_setup(void);
void fid_test(void);
int fid_init(void);
void fid_cu_test(void);
extern CU_SuiteInfo fid_suites[];

#endif
