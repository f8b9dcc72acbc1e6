/* SPDX-License-Identifier: MIT */
/*
 * runner/engine/worker_server.c - the fork server's side (in the worker).
 */
#include <stdio.h>

#include "worker.h"

int pyn__server_main(struct pyn__page *page, int sock)
{
	(void)page;
	(void)sock;
	fprintf(stderr, "pyntest-worker: --server is not available yet\n");
	return 2;
}
