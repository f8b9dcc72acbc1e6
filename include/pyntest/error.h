/* SPDX-License-Identifier: MIT */
/*
 * pyntest/error.h - the one error type of pyntest.
 *
 * Every fallible function takes a `struct pyn_error *` last, returns 0 or a
 * negative PYN_E* code, and fills the error only on failure.  A NULL error
 * pointer is allowed: the code is still returned.
 */
#ifndef PYNTEST_ERROR_H
#define PYNTEST_ERROR_H

#include <stddef.h>

#if defined(_WIN32)
#define PYN_API
#elif defined(__GNUC__)
#define PYN_API __attribute__((visibility("default")))
#else
#define PYN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Error codes: name, number, static message.  Codes are never renumbered;
 * retired codes stay reserved.
 */
#define PYN_ERROR_MAP(X)                                                       \
	X(OK, 0, "success")                                                    \
	X(NOMEM, 1, "out of memory")                                           \
	X(INVAL, 2, "invalid argument")                                        \
	X(IO, 3, "input/output error")                                         \
	X(SYNTAX, 4, "manifest syntax error")                                  \
	X(MANIFEST, 5, "invalid manifest")                                     \
	X(NOTFOUND, 6, "not found")                                            \
	X(LOAD, 7, "cannot load shared object")                                \
	X(SYMBOL, 8, "symbol not found")                                       \
	X(ABI, 9, "incompatible plug-in ABI")                                  \
	X(UNSUPPORTED, 10, "not supported on this system")                     \
	X(SYSTEM, 11, "system call failed")                                    \
	X(INTERRUPTED, 12, "interrupted")                                      \
	X(BUSY, 13, "resource busy")                                           \
	X(LIMITER, 14, "limiter failed")                                       \
	X(USAGE, 15, "usage error")

enum pyn_error_code {
#define PYN_ERROR_ENUM_(name, num, msg) PYN_E##name = -(num),
	PYN_ERROR_MAP(PYN_ERROR_ENUM_)
#undef PYN_ERROR_ENUM_
};

#define PYN_ERROR_MESSAGE_MAX 1024
#define PYN_ERROR_FILE_MAX 512

/*
 * An error: its code, a message (lower-case first word, no final full stop,
 * subject quoted, cause last), and where in a file it was found, when known
 * (line and column are 1-based; 0 means unknown).
 */
struct pyn_error {
	int code; /* a negative PYN_E* value */
	char message[PYN_ERROR_MESSAGE_MAX]; /* what failed, then why */
	char file[PYN_ERROR_FILE_MAX]; /* "" when not about a file */
	unsigned line; /* 1-based, 0 when unknown */
	unsigned column; /* 1-based, 0 when unknown */
};

/* The static text of an error code ("out of memory"); never NULL. */
PYN_API const char *pyn_strerror(int code);

/*
 * Fill `err` (when not NULL) with a code, an optional location and a
 * printf-style message.  Returns `code`, so callers may write
 * `return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0, "bad %s", x);`.
 */
PYN_API int pyn_error_set(struct pyn_error *err, int code, const char *file,
			  unsigned line, unsigned column, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 6, 7)))
#endif
	;

/*
 * Format an error for people: "FILE:LINE:COLUMN: error: MESSAGE" when it
 * has a location, else "error: MESSAGE".  Returns `buf`.
 */
PYN_API const char *pyn_error_format(const struct pyn_error *err, char *buf,
				     size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PYNTEST_ERROR_H */
