/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/no_pidfd.c - pyn_no_pidfd CMD [ARG...]: run CMD with
 * pidfd_open(2) failing with ENOSYS, as a kernel before 5.3 or valgrind
 * 3.19 does.  A seccomp filter: CMD and all its children keep it.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (argc < 2) {
		fprintf(stderr, "usage: pyn_no_pidfd CMD [ARG...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
		perror("pyn_no_pidfd: seccomp");
		return 2;
	}
	execvp(argv[1], argv + 1);
	perror("pyn_no_pidfd: exec");
	return 127;
}
