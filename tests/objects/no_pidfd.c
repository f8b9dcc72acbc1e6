/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/no_pidfd.c - pyn_no_pidfd CMD [ARG...]: run CMD with
 * pidfd_open(2) failing with ENOSYS (no_pidfd.h): the runner then
 * watches its children through SIGCHLD.
 */
#include <stdio.h>
#include <unistd.h>

#include "no_pidfd.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: pyn_no_pidfd CMD [ARG...]\n");
		return 2;
	}
	if (pyn_test_no_pidfd_open() != 0) {
		perror("pyn_no_pidfd: seccomp");
		return 2;
	}
	execvp(argv[1], argv + 1);
	perror("pyn_no_pidfd: exec");
	return 127;
}
