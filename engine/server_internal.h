/* SPDX-License-Identifier: MIT */
/*
 * engine/server_internal.h - what server.c (a fork server's process) and
 * server_protocol.c (the requests it is sent) share: the runner's record
 * of one server.
 */
#ifndef PYN_ENGINE_SERVER_INTERNAL_H
#define PYN_ENGINE_SERVER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <host/registry.h>

#include "internal.h"
#include "server.h"

struct loading_lim {
	const struct pyn__limiter_slot *slot;
	void *state;
	int active;
};

/*
 * A server keeps its loading limiters until it stops: their state (a
 * cgroup the server joined, say) lives as long as the server.
 */
struct pyn__server {
	struct pyn__server *next;
	struct loading_lim ll[PYN__LIMITERS_MAX];
	size_t n_ll;
	char *library; /* the key: a library, or a program's command */
	pid_t pid;
	/*
	 * Killed but not reaped yet: a test that ptrace-attached it holds
	 * its end back; waited for when the servers are freed (the tests
	 * are all gone by then), never in the event loop.
	 */
	pid_t unreaped;
	int sock;
	int timerfd;
	/*
	 * Its own page (the loading page), kept mapped: the count of
	 * requests it took and the pid of the child it made for the last
	 * (page.h, `served`); `sent`: the requests sent to it.
	 */
	struct pyn__page *own;
	uint32_t sent;
	enum pyn__server_state state;
	/* Its socket and loading timer in the engine's loop. */
	struct pyn__ev tag;
	void (*on_event)(struct pyn_engine *e, struct pyn__server *s);
};

struct pyn__servers {
	struct pyn__server *list;
	void (*on_event)(struct pyn_engine *e, struct pyn__server *s);
};

#endif
