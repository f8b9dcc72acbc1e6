/* SPDX-License-Identifier: MIT */
/*
 * runner/selection.c - the runner's side of test selection: last time's
 * failures for --last-failed, the durations --shard-by=time weighs tests
 * with, and the line that says which shard runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/main_internal.h"

bool pyn__failed_keep(void *user, const char *id)
{
	struct pyn__failed_before *fb = user;
	bool in = pyn__cache_has(fb->ids, fb->n, id);

	fb->kept += in;
	return in;
}

/* --last-failed says what it picked, as pytest does. */
void pyn__failed_say(const struct pyn__failed_before *fb, size_t n_tests)
{
	if (fb->kept)
		fprintf(stderr,
			"pyntest: --last-failed: %zu test%s that failed last time\n",
			fb->kept, fb->kept == 1 ? "" : "s");
	else
		fprintf(stderr,
			"pyntest: --last-failed: no selected test failed last time; running all %zu\n",
			n_tests);
}

/*
 * The durations a split by time weighs tests with: --shard-durations, else
 * this machine's duration cache (then every shard must see the same file:
 * said by pyn__shard_say).  No durations at all is not an error: the split is
 * then by count.
 */
int pyn__shard_durations_load(const struct pyn__cli *cli,
			      struct pyn__durations *d, struct pyn_error *err)
{
	char *path;

	if (cli->shard_durations)
		return pyn__durations_load(d, cli->shard_durations, err);
	path = pyn__cache_path(cli->manifests, cli->n_manifests);
	if (path && pyn__durations_load(d, path, err))
		memset(d, 0, sizeof(*d));
	if (path && d->n)
		snprintf(d->source, sizeof(d->source),
			 "this machine's cache %s: every shard must see the "
			 "same durations (--shard-durations)",
			 path);
	free(path);
	return 0;
}

/* One line on stderr: which shard, from where, split how, how many. */
void pyn__shard_say(const struct pyn__cli *cli, const struct pyn__durations *d,
		    size_t n_tests)
{
	static const char *const by[] = { "hash", "count", "time" };

	fprintf(stderr, "pyntest: shard %u/%u (%s), split by %s",
		cli->shard_index + 1, cli->shard_count,
		cli->shard_source[0] ? cli->shard_source : "--shard",
		by[cli->shard_by]);
	if (cli->shard_by == PYN_SHARD_BY_TIME)
		fprintf(stderr, " with durations from %s",
			d->n ? d->source : "nowhere (none known: as by count)");
	fprintf(stderr, ": %zu test%s\n", n_tests, n_tests == 1 ? "" : "s");
}
