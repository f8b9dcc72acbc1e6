/* SPDX-License-Identifier: MIT */
/*
 * engine/basics.c - the public structs as the caller sized them, and
 * releasing results.  (Errors, outcome and isolation names: base/.)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pyntest/pyntest.h>

#include "abi.h"

/* ---- Structs as the caller sized them (abi.h) -------------------------- */

/* No struct of the API is this large: a bigger size is garbage. */
#define SIZE_MAX_SANE ((uint32_t)1 << 20)

static uint32_t size_of(const void *s)
{
	uint32_t size;

	memcpy(&size, s, sizeof(size));
	return size;
}

/*
 * Copy the caller's struct `in` over `out` (full, with defaults), as far
 * as the caller's size covers it; a newer caller's extra fields must be 0.
 */
static int read_sized(void *out, size_t out_size, const void *in,
		      const char *what, const char *init, struct pyn_error *err)
{
	const unsigned char *p = in;
	uint32_t size = size_of(in), own = (uint32_t)out_size;
	size_t i;

	if (size < sizeof(uint32_t) || size > SIZE_MAX_SANE)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "struct %s: struct_size %u is not set "
				     "(start from %s)",
				     what, (unsigned)size, init);
	for (i = out_size; i < size; i++)
		if (p[i])
			return pyn_error_set(
				err, PYN_EUNSUPPORTED, NULL, 0, 0,
				"struct %s: a field this pyntest (%s) does not "
				"have is set (struct_size %u, here %u)",
				what, PYN_VERSION_STRING, (unsigned)size,
				(unsigned)own);
	memcpy(out, in, size < own ? size : own);
	memcpy(out, &own, sizeof(own));
	return 0;
}

int pyn__limits_read(const struct pyn_limits *in, struct pyn_limits *out,
		     struct pyn_error *err)
{
	*out = (struct pyn_limits)PYN_LIMITS_INIT;
	if (!in)
		return 0;
	return read_sized(out, sizeof(*out), in, "pyn_limits",
			  "PYN_LIMITS_INIT", err);
}

int pyn__engine_options_read(const struct pyn_engine_options *in,
			     struct pyn_engine_options *out,
			     struct pyn_error *err)
{
	*out = (struct pyn_engine_options)PYN_ENGINE_OPTIONS_INIT;
	if (!in)
		return 0;
	return read_sized(out, sizeof(*out), in, "pyn_engine_options",
			  "PYN_ENGINE_OPTIONS_INIT", err);
}

int pyn__result_check(const struct pyn_result *res, struct pyn_error *err)
{
	uint32_t size;

	if (!res)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "no result to fill");
	size = size_of(res);
	if (size < sizeof(uint32_t) || size > SIZE_MAX_SANE)
		return pyn_error_set(err, PYN_EINVAL, NULL, 0, 0,
				     "struct pyn_result: struct_size %u is not "
				     "set (start from PYN_RESULT_INIT)",
				     (unsigned)size);
	return 0;
}

/* How much of a result the caller has: its size, at most ours. */
static size_t covered(const struct pyn_result *res)
{
	uint32_t size = size_of(res);

	return size < sizeof(*res) ? size : sizeof(*res);
}

void pyn__result_clear(struct pyn_result *res)
{
	uint32_t size;

	if (pyn__result_check(res, NULL))
		return;
	size = size_of(res);
	memset(res, 0, covered(res));
	memcpy(res, &size, sizeof(size));
}

#define COVERS(n, field)                                                       \
	((n) >= offsetof(struct pyn_result, field) +                           \
			sizeof(((struct pyn_result *)0)->field))

/*
 * Free what `res` owns among its first `n` bytes; a pointer whose count
 * lies beyond them is not the caller's to free, so it is freed here.
 */
static void release_owned(struct pyn_result *res, size_t n)
{
	size_t i;

	if (COVERS(n, size) && res->data && res->size)
		munmap(res->data, res->size);
	if (COVERS(n, out))
		free(res->out);
	if (COVERS(n, err))
		free(res->err);
	if (COVERS(n, n_properties)) {
		for (i = 0; i < res->n_properties; i++)
			free(res->properties[i]);
		free(res->properties);
	}
}

void pyn__result_deliver(struct pyn_result *res, struct pyn_result *full)
{
	size_t n = covered(res), i;
	uint32_t size = (uint32_t)n;

	memcpy(res, full, n);
	memcpy(res, &size, sizeof(size));
	/* What the caller cannot see (or cannot free) stays here. */
	if (!COVERS(n, size)) {
		if (full->data && full->size)
			munmap(full->data, full->size);
		if (COVERS(n, data))
			res->data = NULL;
	}
	if (!COVERS(n, out_len)) {
		free(full->out);
		if (COVERS(n, out))
			res->out = NULL;
	}
	if (!COVERS(n, err_len)) {
		free(full->err);
		if (COVERS(n, err))
			res->err = NULL;
	}
	if (!COVERS(n, n_properties)) {
		for (i = 0; i < full->n_properties; i++)
			free(full->properties[i]);
		free(full->properties);
		if (COVERS(n, properties))
			res->properties = NULL;
	}
	memset(full, 0, sizeof(*full));
}

/*
 * The returned bytes are a private mapping of the child's result memfd
 * (see engine.c), so they are unmapped, not freed.
 */
void pyn_result_release(struct pyn_result *res)
{
	if (pyn__result_check(res, NULL))
		return;
	release_owned(res, covered(res));
	pyn__result_clear(res);
}
