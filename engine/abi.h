/* SPDX-License-Identifier: MIT */
/*
 * engine/abi.h - the public structs as the caller sized them.
 *
 * struct pyn_limits, pyn_result and pyn_engine_options start with
 * struct_size (pyntest.h): the entry points of the C API read and write
 * only what it covers, through these.
 */
#ifndef PYN_ENGINE_ABI_H
#define PYN_ENGINE_ABI_H

#include <pyntest/pyntest.h>

/*
 * The caller's limits (NULL: none) as a full struct: what its size covers,
 * PYN_LIMITS_INIT's defaults for the rest.  PYN_EINVAL for a size that is
 * not set; PYN_EUNSUPPORTED when a newer caller set a field this library
 * does not have.
 */
int pyn__limits_read(const struct pyn_limits *in, struct pyn_limits *out,
		     struct pyn_error *err);

/* The same for engine options (NULL: the defaults). */
int pyn__engine_options_read(const struct pyn_engine_options *in,
			     struct pyn_engine_options *out,
			     struct pyn_error *err);

/* Is `res` a result to fill (not NULL, its struct_size set)? */
int pyn__result_check(const struct pyn_result *res, struct pyn_error *err);

/* Zero what the caller's result covers, but its struct_size. */
void pyn__result_clear(struct pyn_result *res);

/*
 * Hand `full` (a whole result) over to the caller's `res`, as far as its
 * size goes; what does not fit is freed, and `full` is left empty.
 */
void pyn__result_deliver(struct pyn_result *res, struct pyn_result *full);

#endif /* PYN_ENGINE_ABI_H */
