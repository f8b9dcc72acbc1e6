/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/no_pidfd.h - make pidfd_open(2) fail with ENOSYS in this
 * process and every process it makes from now on (a seccomp filter, kept
 * across fork and exec), as a kernel before 5.3 or valgrind 3.19 does.
 * Returns 0, or -1 with errno.
 */
#ifndef PYN_TESTS_NO_PIDFD_H
#define PYN_TESTS_NO_PIDFD_H

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static inline int pyn_test_no_pidfd_open(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_pidfd_open, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return -1;
	return 0;
}

#endif /* PYN_TESTS_NO_PIDFD_H */
