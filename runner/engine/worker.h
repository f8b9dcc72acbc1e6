/* SPDX-License-Identifier: MIT */
/* runner/engine/worker.h - the fork server's loop (worker_server.c). */
#ifndef PYN_ENGINE_WORKER_H
#define PYN_ENGINE_WORKER_H

#include "page.h"

/* Load the library of `page` under its limits, then serve `sock`. */
int pyn__server_main(struct pyn__page *page, int sock);

#endif /* PYN_ENGINE_WORKER_H */
