/* SPDX-License-Identifier: MIT */
/*
 * engine/limited.h - shared by call.c and limited.c.
 */
#ifndef PYN_ENGINE_LIMITED_H
#define PYN_ENGINE_LIMITED_H

#include <pyntest/pyntest.h>

/* pyn_run() with the engine's diagnostics going to `warn` (NULL: none). */
int pyn__run_warn(const struct pyn_task *task, const struct pyn_limits *limits,
		  struct pyn_result *res,
		  void (*warn)(void *user, const char *message), void *user,
		  struct pyn_error *err);

/*
 * The diagnostics before a call (pynisher's warnings): SIGCHLD ignored,
 * limits nothing enforces, a memory limit below the caller's resident
 * memory (`forked`), a multi-threaded caller (`forked` and `threads`).
 */
void pyn__diagnose(const struct pyn_limits *limits, int forked, int threads,
		   void (*warn)(void *user, const char *message), void *user);

/* The default `warn`: "pyntest: warning: MESSAGE" on stderr. */
void pyn__stderr_warn(void *user, const char *message);

#endif /* PYN_ENGINE_LIMITED_H */
