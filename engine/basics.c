/* SPDX-License-Identifier: MIT */
/*
 * engine/basics.c - isolation names, results.  (Errors and outcome
 * names are base/'s.)
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pyntest/pyntest.h>

const char *pyn_isolation_name(enum pyn_isolation isolation)
{
	switch (isolation) {
	case PYN_ISOLATION_DEFAULT:
		return "default";
	case PYN_ISOLATION_FORK:
		return "fork";
	case PYN_ISOLATION_SPAWN:
		return "spawn";
	case PYN_ISOLATION_FORKSERVER:
		return "forkserver";
	}
	return "unknown";
}

/*
 * The returned bytes are a private mapping of the child's result memfd
 * (see engine.c), so they are unmapped, not freed.
 */
void pyn_result_release(struct pyn_result *res)
{
	size_t i;

	if (!res)
		return;
	if (res->data && res->size)
		munmap(res->data, res->size);
	free(res->out);
	free(res->err);
	for (i = 0; i < res->n_properties; i++)
		free(res->properties[i]);
	free(res->properties);
	memset(res, 0, sizeof(*res));
}
