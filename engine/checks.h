/* SPDX-License-Identifier: MIT */
/*
 * engine/checks.h - the checks and diagnostics before a call (checks.c),
 * for call.c, limited.c and the runner's check of a manifest's limits
 * (one check for both).
 */
#ifndef PYN_ENGINE_CHECKS_H
#define PYN_ENGINE_CHECKS_H

#include <pyntest/pyntest.h>

/*
 * The diagnostics before a call (pynisher's warnings): SIGCHLD ignored,
 * limits nothing enforces, a memory limit below the caller's resident
 * memory (`forked`), a multi-threaded caller (`forked` and `threads`).
 */
void pyn__diagnose(const struct pyn_limits *limits, int forked, int threads,
		   void (*warn)(void *user, const char *message), void *user);

/* The default `warn`: "pyntest: warning: MESSAGE" on stderr. */
void pyn__stderr_warn(void *user, const char *message);

/*
 * Check an option of a plug-in limiter: the limiter is registered, has
 * the key (both with did-you-mean), and its validate() accepts the value
 * (that error at the option's file, line and column).  `opt` NULL or its
 * key NULL: the limiter is configured with no option.  Errors are
 * `code`: PYN_EINVAL for the C API, PYN_EMANIFEST for a manifest.
 */
int pyn__limiter_option_check(const char *limiter,
			      const struct pyn_limiter_option *opt, int code,
			      struct pyn_error *err);

/*
 * The limits `l` sets that no supported limiter here enforces (limiter.h,
 * `enforces`; options by the limiter they name): calls `each` (may be
 * NULL) with the limiter's name (the limit's when no limiter would
 * enforce it) and why.  Returns how many.
 */
unsigned pyn__limits_unsupported(const struct pyn_limits *l,
				 void (*each)(void *user, const char *limit,
					      const char *why),
				 void *user);

#endif /* PYN_ENGINE_CHECKS_H */
