/* SPDX-License-Identifier: MIT */
/*
 * tests/limiters/fixture.c - fixture plug-ins, one per FIXTURE_KIND:
 *
 *   old_struct     built against the previous struct (no `providers`): loads
 *   too_small      struct_size ends before teardown: refused
 *   newer_abi      abi_version + 1: refused naming both versions
 *   no_entry       exports no pyn_limiter_init: refused
 *   duplicate      calls itself "memory": refused as a duplicate
 *   null_hooks     every hook NULL: loads, does nothing
 *   failing_apply  apply() returns -1 with a message
 *   crashing_apply apply() dies of SIGSEGV in the child
 *   init_fails     the entry point returns NULL with a message
 *   before_enforces built against 0.1.0's struct (no `enforces`), calls
 *                  itself a wall-time limiter (`provides`) and asks for
 *                  no deadline: loads, enforces nothing
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"

#define KIND_old_struct 1
#define KIND_too_small 2
#define KIND_newer_abi 3
#define KIND_no_entry 4
#define KIND_duplicate 5
#define KIND_null_hooks 6
#define KIND_failing_apply 7
#define KIND_crashing_apply 8
#define KIND_init_fails 9
#define KIND_before_enforces 10
#define KIND_(k) KIND_##k
#define KIND(k) KIND_(k)

#if KIND(FIXTURE_KIND) == KIND_failing_apply ||                                \
	KIND(FIXTURE_KIND) == KIND_crashing_apply
static int fx_setup(struct pyn_limiter_request *req, void **state, char *msg,
		    size_t msg_len)
{
	(void)msg;
	(void)msg_len;
	req->child_data_size = 0;
	*state = NULL;
	return req->configured ? 0 : 1;
}
#endif

#if KIND(FIXTURE_KIND) == KIND_failing_apply ||                                \
	KIND(FIXTURE_KIND) == KIND_crashing_apply
static const char *const fx_keys[] = { "why", NULL };
#endif

#if KIND(FIXTURE_KIND) == KIND_failing_apply
static int fx_apply(const void *data, size_t size, char *msg, size_t msg_len)
{
	(void)data;
	(void)size;
	snprintf(msg, msg_len, "fixture: apply refused on purpose");
	return -1;
}
#elif KIND(FIXTURE_KIND) == KIND_crashing_apply
static int fx_apply(const void *data, size_t size, char *msg, size_t msg_len)
{
	(void)data;
	(void)size;
	(void)msg;
	(void)msg_len;
	/* A sanitizer's handler would turn the crash into exit(1). */
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
	return 0;
}
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

#if KIND(FIXTURE_KIND) == KIND_before_enforces
#define FIXTURE_STRUCT pyn_limiter_0_1_0
#else
#define FIXTURE_STRUCT pyn_limiter_v0
#endif

static const struct FIXTURE_STRUCT fixture = {
#if KIND(FIXTURE_KIND) == KIND_newer_abi
	.abi_version = PYN_LIMITER_ABI_VERSION + 1,
#else
	.abi_version = PYN_LIMITER_ABI_VERSION,
#endif
#if KIND(FIXTURE_KIND) == KIND_too_small
	.struct_size = offsetof(struct pyn_limiter_v0, teardown),
#else
	.struct_size = sizeof(struct FIXTURE_STRUCT),
#endif
#if KIND(FIXTURE_KIND) == KIND_duplicate
	.name = "memory",
#else
	.name = "fixture_" STR(FIXTURE_KIND),
#endif
	.version = "0.9",
	.summary = "a fixture plug-in",
#if KIND(FIXTURE_KIND) == KIND_before_enforces
	.provides = PYN_PROVIDES_WALL_TIME,
#else
	.provides = PYN_PROVIDES_OTHER,
#endif
#if KIND(FIXTURE_KIND) == KIND_failing_apply ||                                \
	KIND(FIXTURE_KIND) == KIND_crashing_apply
	.keys = fx_keys,
	.setup = fx_setup,
	.apply = fx_apply,
#endif
};

#if KIND(FIXTURE_KIND) == KIND_no_entry
PYN_API const struct pyn_limiter *not_the_entry(void);
PYN_API const struct pyn_limiter *not_the_entry(void)
{
	return (const struct pyn_limiter *)(const void *)&fixture;
}
#else
PYN_API const struct pyn_limiter *pyn_limiter_init(const struct pyn_host *host,
						   char *msg, size_t msg_len);
PYN_API const struct pyn_limiter *pyn_limiter_init(const struct pyn_host *host,
						   char *msg, size_t msg_len)
{
	(void)host;
#if KIND(FIXTURE_KIND) == KIND_init_fails
	(void)fixture;
	snprintf(msg, msg_len, "fixture: refusing to start");
	return NULL;
#else
	(void)msg;
	(void)msg_len;
	/* The host reads only what struct_size covers. */
	return (const struct pyn_limiter *)(const void *)&fixture;
#endif
}
#endif
