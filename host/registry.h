/* SPDX-License-Identifier: MIT */
/*
 * host/registry.h - the limiters known to this process, and the host
 * table handed to them: what the engine and the runner use of the host.
 *
 * Process-global and ordered: the built-in limiters first (wall_time,
 * cpu_time, memory, process_tree), then plug-ins in the order they were
 * loaded.  A worker or fork server loads the same plug-ins in the same
 * order, so an index names the same limiter in every process of a run.
 */
#ifndef PYN_HOST_REGISTRY_H
#define PYN_HOST_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include <pyntest/limiter.h>

#define PYN__LIMITERS_MAX 32

/*
 * The code a test's process runs between the fork server's clone and its
 * _exit, kept together (the linker puts .text.hot.* in one run): every
 * 64 KiB of code it touches is one page fault in every test's process
 * (the kernel copies no page table entries of code at fork).  The
 * harness's (engine), the registry's lookup, and the built-in
 * limiters' apply() (limiters/util.h, LIM_CHILD_TEXT: the same section,
 * named there since limiters see only the public headers).
 */
#define PYN__CHILD_TEXT __attribute__((section(".text.hot.pyntest_child")))

struct pyn__limiter_slot {
	const struct pyn_limiter *limiter;
	char path[512]; /* "" for built-ins */
	bool builtin;
	bool supported; /* probe() said yes */
	char provider[32]; /* probe()'s provider ("cgroup1", "rlimit") */
	char why[256]; /* probe()'s reason when unsupported */
	/*
	 * Supported, by a provider not its best: why the better ones are
	 * not here, and what this one cannot do (probe()'s `why`), for
	 * --limiters.  "" otherwise.
	 */
	char fallback[512];
	unsigned enforces; /* PYN_ENFORCES_* bits; 0 for an older limiter */
};

/*
 * Register the built-in limiters and probe every limiter (once; later
 * calls do nothing).  Forced providers come from the environment variable
 * PYNTEST_PROVIDERS ("memory=rlimit,process_tree=subreaper") and from
 * pyn__registry_force() calls made before.  Thread-safe.
 */
int pyn__registry_init(struct pyn_error *err);

/*
 * pyn__registry_init() in a worker or fork server, taking the runner's
 * probe results `probed` (its pyn__registry_probed()) for the built-in
 * limiters instead of probing them again: probing makes and removes
 * cgroups, most of what a spawned test cost.  Their probe() is not
 * called here, so only apply() may be used in this process.  Plug-ins
 * are still probed when added, with the provider the runner chose
 * forced.  A list that does not parse or whose built-ins differ from
 * this process's is an error (PYN_EUSAGE).  NULL: pyn__registry_init().
 */
int pyn__registry_init_probed(const char *probed, struct pyn_error *err);

/*
 * This process's probe results for pyn__registry_init_probed(), in
 * registry order: "wall_time=engine,memory!,..." (NAME=PROVIDER when
 * supported, NAME! when not).  Writes at most `len` bytes with the NUL
 * (buf may be NULL when len is 0); returns the length of the whole list,
 * like snprintf.
 */
size_t pyn__registry_probed(char *buf, size_t len);

/* Insist on a provider for a limiter ("memory", "rlimit"): before init. */
int pyn__registry_force(const char *limiter, const char *provider,
			struct pyn_error *err);

/*
 * Load a plug-in module and probe it.  Refuses (PYN_EABI) a different
 * abi_version, a struct_size too small for the fields up to `teardown`,
 * a missing entry point and a duplicate name, with a message naming the
 * file, the limiter and both versions.  Loading the same path twice is
 * not an error (the second call does nothing).
 */
int pyn__registry_add_plugin(const char *path, struct pyn_error *err);

size_t pyn__registry_count(void);
const struct pyn__limiter_slot *pyn__registry_get(size_t index);
/* The slot for `name`, or NULL; *index (may be NULL) gets its index. */
const struct pyn__limiter_slot *pyn__registry_find(const char *name,
						   size_t *index);

/*
 * The limiter that enforces `what` (PYN_ENFORCES_* bits, limiter.h;
 * all of them): the first supported one in registry order, else the
 * first one that would but is not supported here (its `why` says why),
 * else NULL.  A limiter built before `enforces` existed enforces nothing.
 */
const struct pyn__limiter_slot *pyn__registry_enforcer(unsigned what);
/* A supported limiter enforces `what`. */
bool pyn__registry_enforced(unsigned what);

/*
 * The limits of the C API and the manifest by name ("wall_time",
 * "cpu_time", "memory", "process_tree") and the PYN_ENFORCES_* bit of
 * the request field each sets: 0 or NULL for anything else.
 */
unsigned pyn__registry_limit(const char *name);
const char *pyn__registry_limit_name(unsigned what);

/* The host table handed to limiters (table.c). */
const struct pyn_host *pyn__registry_host(void);

/*
 * The host table's placed_in() (limiter.h): how a limiter's apply() is
 * told that the process it runs in was created in a cgroup.  Set by the
 * engine where it creates processes in cgroups (the fork server), before
 * any such process exists; NULL puts back the default, which says 0.
 */
void pyn__registry_set_placed_in(int (*placed_in)(const char *dir));
/* The host table's engine_owns() (limiter.h): the engine's, NULL: none. */
void pyn__registry_set_engine_owns(int (*engine_owns)(pid_t pid, pid_t pgid));

#endif /* PYN_HOST_REGISTRY_H */
