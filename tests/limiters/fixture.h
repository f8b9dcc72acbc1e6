/* SPDX-License-Identifier: MIT */
/*
 * tests/limiters/fixture.h - shared bits of the fixture plug-ins.
 *
 * Each fixture is one MODULE built from fixture.c with FIXTURE_KIND set,
 * so every broken variant differs from a good plug-in in exactly one way.
 */
#ifndef PYN_TESTS_LIMITERS_FIXTURE_H
#define PYN_TESTS_LIMITERS_FIXTURE_H

#include <stddef.h>

#include <pyntest/limiter.h>

/*
 * struct pyn_limiter as it was before `providers` was appended: what a
 * plug-in built against the previous header carries.
 */
struct pyn_limiter_v0 {
	uint32_t abi_version;
	uint32_t struct_size;
	const char *name;
	const char *version;
	const char *summary;
	unsigned provides;
	const char *const *keys;
	int (*probe)(const struct pyn_host *, const char *, char *, size_t,
		     char *, size_t);
	int (*validate)(const struct pyn_limiter_option *, char *, size_t);
	int (*setup)(struct pyn_limiter_request *, void **, char *, size_t);
	int (*apply)(const void *, size_t, char *, size_t);
	void (*started)(void *, pid_t);
	unsigned (*kill)(void *, pid_t);
	int (*classify)(void *, const struct pyn_limiter_evidence *,
			struct pyn_limiter_verdict *);
	void (*teardown)(void *);
};

/*
 * struct pyn_limiter as release 0.1.0 had it, before `enforces` was
 * appended: what a plug-in built against that header carries.
 */
struct pyn_limiter_0_1_0 {
	uint32_t abi_version;
	uint32_t struct_size;
	const char *name;
	const char *version;
	const char *summary;
	unsigned provides;
	const char *const *keys;
	int (*probe)(const struct pyn_host *, const char *, char *, size_t,
		     char *, size_t);
	int (*validate)(const struct pyn_limiter_option *, char *, size_t);
	int (*setup)(struct pyn_limiter_request *, void **, char *, size_t);
	int (*apply)(const void *, size_t, char *, size_t);
	void (*started)(void *, pid_t);
	unsigned (*kill)(void *, pid_t);
	int (*classify)(void *, const struct pyn_limiter_evidence *,
			struct pyn_limiter_verdict *);
	void (*teardown)(void *);
	const char *const *providers;
	double (*deadline)(void *, double);
};
_Static_assert(sizeof(struct pyn_limiter_0_1_0) ==
		       offsetof(struct pyn_limiter, enforces),
	       "the 0.1.0 struct ends where `enforces` begins");

#endif
