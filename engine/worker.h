/* SPDX-License-Identifier: MIT */
/* engine/worker.h - the fork server's loop (worker_server.c). */
#ifndef PYN_ENGINE_WORKER_H
#define PYN_ENGINE_WORKER_H

#include <sys/resource.h>
#include <sys/types.h>

#include "page.h"

struct pyn__module;

/* Load the library of `page` under its limits, then serve `sock`. */
int pyn__server_main(struct pyn__page *page, int sock);

/*
 * The parts, for the CUnit shim (a program is its own "library"): the
 * soft rlimits before the loading limits and after, and the loop: say
 * 'R', then clone a test child (CLONE_PARENT: a child of `runner`) per
 * request until the runner hangs up.  `module` may be NULL.  `own`: the
 * server's own page (fd 3), where it counts its requests and the kernel
 * writes the pid of each child (page.h, `served`), or NULL.
 */
void pyn__server_save_rlimits(struct rlimit saved[RLIM_NLIMITS]);
void pyn__server_restore_rlimits(const struct rlimit saved[RLIM_NLIMITS]);
int pyn__server_serve(struct pyn__module *module, int sock, pid_t runner,
		      struct pyn__page *own);

#endif /* PYN_ENGINE_WORKER_H */
