/* SPDX-License-Identifier: MIT */
/*
 * pyntest/test.h - helpers for code that runs inside a limited child.
 *
 * Assertions are CUnit's (CU_ASSERT*, including the _FATAL forms): inside
 * pyntest every failed assertion is recorded with its file, line and
 * condition.  These helpers add what CUnit lacks.
 */
#ifndef PYNTEST_TEST_H
#define PYNTEST_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include <pyntest/error.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PYN_NORETURN_ __attribute__((noreturn))
#define PYN_PRINTF_(a, b) __attribute__((format(printf, a, b)))
#else
#define PYN_NORETURN_
#define PYN_PRINTF_(a, b)
#endif

/*
 * Skip the running test: it is reported as `skipped` with `reason`.
 * Teardown still runs.  Outside pyntest it prints the reason and exits 77.
 */
PYN_API PYN_NORETURN_ void pyn_skip(const char *reason);

/*
 * End the running function as a failure with a code and a message: the
 * caller of pyn_call() receives both (pynisher re-raises the child's
 * exception; this is its C form).
 */
PYN_API PYN_NORETURN_ void pyn_fail(int code, const char *fmt, ...)
	PYN_PRINTF_(2, 3);

/*
 * Hand `size` bytes back to the caller of pyn_call() (copied once into
 * shared memory; the last call wins).  Returns 0 or a negative PYN_E*.
 */
PYN_API int pyn_return(const void *data, size_t size);

/*
 * Zero-copy form: a buffer of `size` bytes in memory shared with the
 * caller, which receives whatever is in it when the function ends.
 * Returns NULL when no limited call is running or it cannot be mapped.
 */
PYN_API void *pyn_return_buffer(size_t size);

/* True inside a child started by pyntest. */
PYN_API bool pyn_is_limited(void);

#ifdef __cplusplus
}
#endif

#endif /* PYNTEST_TEST_H */
