/* SPDX-License-Identifier: MIT */
/*
 * tests/fidelity/fid_driver.c - a fresh main() calling the probe
 * library's functions in order: what a library test would see in a
 * program of its own (the baseline of tests/e2e/fidelity.py).  The
 * setup and its test are one program, the CUnit suite's init and test
 * another.
 */
#include <errno.h>

#include "probe.h"

int main(void)
{
	fid_setup();
	fid_test();
	/* The CUnit suite is a test of its own: a fresh process's errno. */
	errno = 0;
	if (fid_init() != 0)
		return 1;
	fid_cu_test();
	return 0;
}
