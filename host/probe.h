/* SPDX-License-Identifier: MIT */
/*
 * host/probe.h - which provider of each limiter works here: the
 * registry's part of probing (probe.c).  Called with the registry's lock
 * held; not for the engine.
 */
#ifndef PYN_HOST_PROBE_H
#define PYN_HOST_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "host/registry.h"

/*
 * Insist on `provider` for `limiter` (lengths given: both may point into
 * a longer list).  0, or PYN_EUSAGE for an empty or too long name or too
 * many choices.
 */
int pyn__probe_force(const char *limiter, size_t llen, const char *provider,
		     size_t plen, struct pyn_error *err);

/* The choices of PYNTEST_PROVIDERS ("memory=rlimit,process_tree=..."). */
int pyn__probe_force_env(struct pyn_error *err);

/*
 * Probe the slot's limiter with the provider forced for it, if any:
 * fills supported, provider and why.
 */
void pyn__probe_slot(struct pyn__limiter_slot *slot);

/*
 * One entry of a probed list (pyn__registry_probed()): the limiter's
 * name, and either its provider (supported) or nothing (unsupported).
 */
struct pyn__probed_entry {
	const char *name;
	size_t name_len;
	const char *provider;
	size_t provider_len;
	bool supported;
};

/*
 * Parse the next entry of `*p` ("NAME=PROVIDER" or "NAME!", then ',' or
 * the end).  Returns 1 with *e filled, 0 at the end, -1 when it does not
 * parse.
 */
int pyn__probed_next(const char **p, struct pyn__probed_entry *e);

#endif /* PYN_HOST_PROBE_H */
