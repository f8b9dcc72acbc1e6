/* SPDX-License-Identifier: MIT */
/*
 * host/table.c - the host table handed to limiters (struct pyn_host in
 * limiter.h): the services a limiter may call instead of linking
 * against pyntest, versioned like the limiter.
 *
 * May use: host/cgroup.h (cgroup_parent), libc.  What the host cannot
 * know by itself - that the engine created a test's process in a cgroup
 * (placed_in), which processes are tests (engine_owns) - the engine tells it
 * with pyn__registry_set_placed_in() and pyn__registry_set_engine_owns():
 * nothing here calls up into the engine.
 */
#include <stdio.h>
#include <unistd.h>

#include <pyntest/version.h>

#include "host/cgroup.h"
#include "host/registry.h"
#include "host/table.h"

static void host_log(const char *limiter, const char *message)
{
	fprintf(stderr, "warning: %s: %s\n", limiter ? limiter : "limiter",
		message ? message : "");
}

/*
 * placed_in() until the engine says how to tell: a process that creates
 * no test in a cgroup itself (fork and spawn modes) placed nothing.
 */
PYN__CHILD_TEXT static int placed_nowhere(const char *dir)
{
	(void)dir;
	return 0;
}

static char prefix[32];

static struct pyn_host host = {
	.abi_version = PYN_LIMITER_ABI_VERSION,
	.struct_size = sizeof(struct pyn_host),
	.version = PYN_VERSION_STRING,
	.log = host_log,
	.cgroup_parent = pyn__cgroup_parent,
	.cgroup_prefix = prefix,
	.placed_in = placed_nowhere,
	.engine_owns = NULL,
};

void pyn__host_start(void)
{
	snprintf(prefix, sizeof(prefix), "pyntest-%ld-", (long)getpid());
}

void pyn__registry_set_placed_in(int (*placed_in)(const char *dir))
{
	host.placed_in = placed_in ? placed_in : placed_nowhere;
}

void pyn__registry_set_engine_owns(int (*engine_owns)(pid_t pid, pid_t pgid))
{
	host.engine_owns = engine_owns;
}

const struct pyn_host *pyn__registry_host(void)
{
	return &host;
}
