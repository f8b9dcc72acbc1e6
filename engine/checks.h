/* SPDX-License-Identifier: MIT */
/*
 * engine/checks.h - the diagnostics before a call (checks.c), for call.c
 * and limited.c; the checks the runner shares (one check for both) are
 * in engine.h.
 */
#ifndef PYN_ENGINE_CHECKS_H
#define PYN_ENGINE_CHECKS_H

#include <pyntest/pyntest.h>

#include "engine.h" /* the checks the runner shares */

/*
 * The diagnostics before a call (pynisher's warnings): SIGCHLD ignored,
 * limits nothing enforces, a memory limit below the caller's resident
 * memory (`forked`), a multi-threaded caller (`forked` and `threads`).
 */
void pyn__diagnose(const struct pyn_limits *limits, int forked, int threads,
		   void (*warn)(void *user, const char *message), void *user);

/* The default `warn`: "pyntest: warning: MESSAGE" on stderr. */
void pyn__stderr_warn(void *user, const char *message);

#endif /* PYN_ENGINE_CHECKS_H */
