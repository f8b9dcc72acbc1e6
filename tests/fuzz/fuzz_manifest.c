/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_manifest.c - libFuzzer target: any bytes as a manifest.
 *
 * The loader must return 0 or an error with a message and a location,
 * never crash, leak or read out of bounds (ASan/UBSan are on).  What
 * loads is also planned (relative paths lead nowhere; absolute ones may
 * meet real files, which are only read), with a filter and a shard.
 * Loaded again with every error listed, it must fail alike, and list the
 * one error the first load reported among the others.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/manifest.h"
#include "config/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reading on past mistakes: no crash, and the first mistake is listed. */
static void load_all(const uint8_t *data, size_t size, int rc,
		     const struct pyn_error *first)
{
	struct pyn__error_list errors = { 0 };
	struct pyn_manifest *m = NULL;
	bool found = false;
	size_t i;

	if (pyn_manifest_load_buffer_all(&m, (const char *)data, size,
					 "fuzz.yaml", "/nonexistent",
					 &errors) != rc)
		abort();
	if (rc == 0) {
		if (!m || errors.total)
			abort();
		pyn_manifest_free(m);
		return;
	}
	if (m || !errors.n || errors.n > errors.total)
		abort();
	for (i = 0; i < errors.n; i++) {
		const struct pyn_error *e = &errors.items[i];

		if (!e->message[0] || e->code >= 0)
			abort();
		found = found ||
			(e->line == first->line && e->column == first->column &&
			 !strcmp(e->message, first->message));
	}
	if (!found && errors.total == errors.n)
		abort();
	pyn__error_list_release(&errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pyn_manifest *m = NULL;
	struct pyn_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = pyn_manifest_load_buffer(&m, (const char *)data, size, "fuzz.yaml",
				      "/nonexistent", &err);
	load_all(data, size, rc, &err);
	if (rc == 0) {
		static const char *const filters[] = { "*.t*", "!*x*" };
		struct pyn_plan_options opt;
		struct pyn_plan plan;

		if (!m)
			abort();
		memset(&opt, 0, sizeof(opt));
		opt.filters = filters;
		opt.n_filters = size % 3;
		opt.shard_count = (unsigned)(size % 4);
		opt.shard_index = opt.shard_count ? 1 % opt.shard_count : 0;
		opt.retries = -1;
		rc = pyn_plan_build(&plan, &m, 1, &opt, &err);
		if (rc == 0)
			pyn_plan_release(&plan);
		else if (!err.message[0] || plan.tests || plan.n_tests)
			abort();
		pyn_manifest_free(m);
	} else if (m || rc != err.code || !err.message[0] ||
		   strlen(err.message) >= sizeof(err.message)) {
		abort();
	}
	return 0;
}
