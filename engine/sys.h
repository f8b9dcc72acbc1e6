/* SPDX-License-Identifier: MIT */
/*
 * engine/sys.h - system calls made inline, for the code a test's
 * process runs between its clone and its test (PYN__CHILD_TEXT).
 *
 * libc's syscall() is code of libc's: one more page (fault-around: 64
 * KiB) each test's process faults in, and, for the clone itself, the
 * first code the child runs.  pyn__sys(nr, args...) is the system call
 * instruction in the caller.  It returns what the kernel returns: -errno
 * on failure, and sets no errno.  Elsewhere than x86-64 and AArch64 it is
 * libc's syscall() with the same return convention.
 */
#ifndef PYN_ENGINE_SYS_H
#define PYN_ENGINE_SYS_H

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
static inline long pyn__sys6(long n, long a, long b, long c, long d, long e,
			     long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#elif defined(__aarch64__)
static inline long pyn__sys6(long n, long a, long b, long c, long d, long e,
			     long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory", "cc");
	return x0;
}
#else
static inline long pyn__sys6(long n, long a, long b, long c, long d, long e,
			     long f)
{
	long ret = syscall(n, a, b, c, d, e, f);

	return ret == -1 ? -errno : ret;
}
#endif

#define PYN__SYS_PICK(n, a, b, c, d, e, f, ...)                                \
	pyn__sys6((long)(n), (long)(a), (long)(b), (long)(c), (long)(d),       \
		  (long)(e), (long)(f))
#define pyn__sys(...) PYN__SYS_PICK(__VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)

#endif /* PYN_ENGINE_SYS_H */
