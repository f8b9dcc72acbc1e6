/* SPDX-License-Identifier: MIT */
/*
 * engine/call.h - the one-task calls of call.c, for limited.c.
 */
#ifndef PYN_ENGINE_CALL_H
#define PYN_ENGINE_CALL_H

#include <pyntest/pyntest.h>

/* pyn_run() with the engine's diagnostics going to `warn` (NULL: none). */
int pyn__run_warn(const struct pyn_task *task, const struct pyn_limits *limits,
		  struct pyn_result *res,
		  void (*warn)(void *user, const char *message), void *user,
		  struct pyn_error *err);

#endif /* PYN_ENGINE_CALL_H */
