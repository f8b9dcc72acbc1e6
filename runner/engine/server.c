/* SPDX-License-Identifier: MIT */
/*
 * runner/engine/server.c - fork servers (parent side).
 */
#include <stdio.h>
#include <stdlib.h>

#include "server.h"

struct pyn__servers {
	int unused;
};

struct pyn__servers *pyn__servers_new(void)
{
	return NULL;
}

void pyn__servers_free(struct pyn__servers *servers)
{
	free(servers);
}

pid_t pyn__servers_start(struct pyn__servers *servers, struct pyn_engine *e,
			 struct pyn__page *page, int page_fd, int result_fd,
			 int out_fd, int err_fd,
			 const struct pyn_limits *limits, char *why,
			 size_t why_len)
{
	(void)servers;
	(void)e;
	(void)page;
	(void)page_fd;
	(void)result_fd;
	(void)out_fd;
	(void)err_fd;
	(void)limits;
	snprintf(why, why_len, "fork servers are not available");
	return -1;
}
