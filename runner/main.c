/* SPDX-License-Identifier: MIT */
/*
 * runner/main.c - the pyntest program: manifests -> plan -> engine ->
 * report, with the exit codes of SPEC §4.  The pieces it calls in order
 * are listed in runner/main_internal.h.
 *
 * Signals (runner/signals.c): SIGINT, SIGTERM, SIGHUP, SIGQUIT and
 * SIGALRM interrupt the engine and write a byte to a self-pipe that the
 * scheduler watches; the report is then written with what finished and
 * the rest marked interrupted, and pyntest exits 2.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error_list.h"
#include "config/manifest.h"
#include "host/registry.h"
#include "runner/main_internal.h"
#include "runner/merge.h"
#include "runner/paths.h"

static void print_error(const struct pyn_error *err)
{
	char buf[PYN_ERROR_MESSAGE_MAX + PYN_ERROR_FILE_MAX + 64];

	fprintf(stderr, "%s\n", pyn_error_format(err, buf, sizeof(buf)));
}

/* The plan's warnings (a filter that selects nothing), before any run. */
static void plan_warn(void *user, const char *message)
{
	(void)user; /* the plan's user is the durations' */
	fprintf(stderr, "pyntest: warning: %s\n", message);
}

/* Create (or truncate) a file some protocol asks for; errors ignored. */
static void touch(const char *path)
{
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	struct pyn_manifest **manifests = NULL;
	struct pyn_plan plan;
	struct pyn_plan_options popts;
	struct pyn__cli cli;
	struct pyn_error err;
	const char *premature = getenv("TEST_PREMATURE_EXIT_FILE");
	char *cache = NULL;
	struct pyn__durations sdur = { 0 };
	struct pyn__failed_before fb = { NULL, 0, 0 };
	bool plan_built = false;
	int status = PYN__EXIT_INTERNAL, ret;
	struct pyn__report_path reports[2];
	size_t n_reports = 0;
	size_t n_loaded = 0;
	struct pyn__error_list errs = { 0 }; /* the manifests' and plan's */
	bool nomem = false;

	/*
	 * Bazel's private scratch folder: tests that ask for a temporary
	 * directory the usual way ($TMPDIR, tmpfile(), mkstemp under it) get
	 * it, as Bazel's test encyclopedia asks of test runners.
	 */
	if (getenv("TEST_TMPDIR") && *getenv("TEST_TMPDIR"))
		setenv("TMPDIR", getenv("TEST_TMPDIR"), 1);
	if (argc > 1 && !strcmp(argv[1], "merge"))
		return pyn__merge_main(argc - 1, argv + 1);

	memset(&plan, 0, sizeof(plan));
	ret = pyn__cli_parse(&cli, argc, argv, &err);
	if (ret) {
		if (ret == PYN_ENOMEM)
			fprintf(stderr, "pyntest: error: out of memory\n");
		else
			fprintf(stderr,
				"pyntest: error: %s\n"
				"Try 'pyntest --help' for more information.\n",
				err.message);
		status = ret == PYN_ENOMEM ? PYN__EXIT_INTERNAL :
					     PYN__EXIT_USAGE;
		goto out;
	}
	if (cli.help) {
		pyn__cli_usage(stdout);
		status = PYN__EXIT_OK;
		goto out;
	}
	if (cli.version) {
		printf("pyntest %s\n", PYN_VERSION_STRING);
		status = PYN__EXIT_OK;
		goto out;
	}
	if (!cli.list && !cli.limiters) {
		const char *env = getenv("XML_OUTPUT_FILE");

		if (cli.junit_path) {
			reports[n_reports].what =
				cli.junit_path == env ?
					"XML_OUTPUT_FILE" :
					"option '-o/--junit-xml'";
			reports[n_reports++].path = cli.junit_path;
		}
		if (cli.html_path) {
			reports[n_reports].what = "option '--html'";
			reports[n_reports++].path = cli.html_path;
		}
		ret = 0;
		for (size_t i = 0; i < n_reports && !ret; i++)
			ret = pyn__report_path_check(reports[i].what,
						     reports[i].path, &err);
		if (ret ||
		    pyn__report_paths_clash(reports, n_reports, cli.manifests,
					    cli.n_manifests, NULL, &err)) {
			fprintf(stderr,
				"pyntest: error: %s\n"
				"Try 'pyntest --help' for more information.\n",
				err.message);
			status = PYN__EXIT_USAGE;
			goto out;
		}
	}
	touch(premature);

	for (size_t i = 0; i < cli.n_forces; i++) {
		if (pyn__registry_force(cli.forces[i].limiter,
					cli.forces[i].provider, &err)) {
			fprintf(stderr,
				"pyntest: error: option '--provider': %s\n",
				err.message);
			status = PYN__EXIT_USAGE;
			goto out;
		}
	}
	if (pyn__registry_init(&err)) {
		fprintf(stderr, "pyntest: error: %s\n", err.message);
		status = err.code == PYN_EUSAGE || err.code == PYN_EINVAL ?
				 PYN__EXIT_USAGE :
				 PYN__EXIT_INTERNAL;
		goto out;
	}

	manifests = calloc(cli.n_manifests + 1, sizeof(*manifests));
	if (!manifests)
		goto out;
	for (size_t i = 0; i < cli.n_manifests; i++) {
		const char *path = cli.manifests[i];

		/* Every mistake of every manifest, in their order. */
		if (pyn__program_is_elf(path))
			ret = pyn__program_manifest(&manifests[i], i, &cli,
						    &err);
		else
			ret = pyn_manifest_load_all(&manifests[i], path, &errs);
		if (ret && pyn__program_is_elf(path))
			pyn__error_list_add(&errs, &err);
		if (!ret)
			n_loaded++;
		else if (ret == PYN_ENOMEM)
			nomem = true;
	}
	if (errs.total) {
		pyn__error_list_print(stderr, &errs);
		status = nomem ? PYN__EXIT_INTERNAL : PYN__EXIT_USAGE;
		goto out;
	}
	if (pyn__plugins_load(manifests, n_loaded, &err)) {
		print_error(&err);
		status = PYN__EXIT_USAGE;
		goto out;
	}
	if (pyn__forces_check(&cli, &err)) {
		fprintf(stderr,
			"pyntest: error: %s\n"
			"Try 'pyntest --help' for more information.\n",
			err.message);
		status = PYN__EXIT_USAGE;
		goto out;
	}
	if (cli.limiters) {
		pyn__limiters_print(pyn__plugins_dir(), !cli.n_manifests);
		status = PYN__EXIT_OK;
		goto out;
	}

	if (cli.shard_count > 1 && cli.shard_by == PYN_SHARD_BY_TIME &&
	    pyn__shard_durations_load(&cli, &sdur, &err)) {
		print_error(&err);
		status = PYN__EXIT_USAGE;
		goto out;
	}
	memset(&popts, 0, sizeof(popts));
	popts.filters = cli.filters;
	popts.n_filters = cli.n_filters;
	popts.shard_index = cli.shard_index;
	popts.shard_count = cli.shard_count;
	popts.shard_by = cli.shard_by;
	popts.duration = pyn__durations_get;
	popts.user = &sdur;
	popts.isolation = cli.isolation;
	popts.wall_time_s = cli.wall_time_s;
	popts.cpu_time_s = cli.cpu_time_s;
	popts.memory_bytes = cli.memory_bytes;
	popts.retries = cli.retries;
	popts.validate_option = pyn__plan_option_check;
	popts.enumerate = pyn__enumerate;
	popts.plugin_dir = pyn__plugins_dir()[0] ? pyn__plugins_dir() : NULL;
	popts.warn = plan_warn;
	popts.errors = &errs;
	if (cli.last_failed || cli.failed_first) {
		cache = pyn__cache_path(cli.manifests, cli.n_manifests);
		fb.ids = pyn__cache_failed(cache, &fb.n);
	}
	if (cli.last_failed) {
		popts.keep = pyn__failed_keep;
		popts.keep_user = &fb;
	}
	ret = pyn_plan_build(&plan, manifests, n_loaded, &popts, &err);
	if (ret) {
		if (!errs.total)
			pyn__error_list_add(&errs, &err);
		/* A program has no lines: drop the in-memory manifest's. */
		for (size_t k = 0; k < errs.n; k++)
			for (size_t i = 0; i < cli.n_manifests; i++)
				if (!strcmp(errs.items[k].file,
					    cli.manifests[i]) &&
				    pyn__program_is_elf(cli.manifests[i]))
					errs.items[k].line =
						errs.items[k].column = 0;
		pyn__error_list_print(stderr, &errs);
		status = ret == PYN_ENOMEM ? PYN__EXIT_INTERNAL :
					     PYN__EXIT_USAGE;
		goto out;
	}
	plan_built = true;
	/*
	 * The plan owns every string it needs: the manifests' trees go
	 * now, before the run (a 20,000-test manifest is megabytes).
	 */
	for (size_t i = 0; i < cli.n_manifests; i++) {
		pyn_manifest_free(manifests[i]);
		manifests[i] = NULL;
	}
	if (pyn__plan_scale_for_sanitizers(&plan)) {
		status = PYN__EXIT_USAGE;
		goto out;
	}
	if (cli.last_failed)
		pyn__failed_say(&fb, plan.n_tests);
	/* A program given on the command line has no manifest lines. */
	for (size_t i = 0; i < cli.n_manifests; i++) {
		if (!pyn__program_is_elf(cli.manifests[i]))
			continue;
		for (size_t k = 0; k < plan.n_tests; k++)
			if (!strcmp(plan.tests[k].manifest, cli.manifests[i]))
				plan.tests[k].line = plan.tests[k].column = 0;
	}
	if (cli.shard_from_env) {
		touch(getenv("TEST_SHARD_STATUS_FILE"));
		touch(getenv("GTEST_SHARD_STATUS_FILE"));
	}
	if (cli.shard_count > 1 && cli.verbosity >= 0)
		pyn__shard_say(&cli, &sdur, plan.n_tests);
	if (cli.list) {
		/*
		 * -v adds each test's limits (tab-separated: wall and CPU
		 * seconds, memory bytes; 0 when none), so tools such as
		 * pyntest_discover_tests() can set a backstop above them.
		 */
		for (size_t i = 0; i < plan.n_tests; i++) {
			const struct pyn_plan_test *t = &plan.tests[i];

			if (cli.verbosity > 0)
				printf("%s\t%.3f\t%.3f\t%llu\n", t->id,
				       t->limits->wall_time_s,
				       t->limits->cpu_time_s,
				       (unsigned long long)
					       t->limits->memory_bytes);
			else
				printf("%s\n", t->id);
		}
		status = plan.n_tests ? PYN__EXIT_OK : PYN__EXIT_NO_TESTS;
		goto out;
	}
	if (pyn__debug_plan(&plan, &cli, &err)) {
		print_error(&err);
		status = PYN__EXIT_USAGE;
		goto out;
	}
	/* Nor may a report replace a test library or program. */
	if (pyn__report_paths_clash(reports, n_reports, cli.manifests,
				    cli.n_manifests, &plan, &err)) {
		fprintf(stderr,
			"pyntest: error: %s\n"
			"Try 'pyntest --help' for more information.\n",
			err.message);
		status = PYN__EXIT_USAGE;
		goto out;
	}
	if (pyn__plan_check_enforceable(&plan, cli.best_effort, &err)) {
		print_error(&err);
		status = PYN__EXIT_USAGE;
		goto out;
	}
	if (cli.check && pyn__check_load(&plan, &errs, &err)) {
		if (err.code == PYN_EMANIFEST)
			pyn__error_list_print(stderr, &errs);
		else
			print_error(&err);
		status = err.code == PYN_EMANIFEST ? PYN__EXIT_USAGE :
						     PYN__EXIT_INTERNAL;
		goto out;
	}
	if (cli.check) {
		printf("%zu test%s in %zu suite%s\n", plan.n_tests,
		       plan.n_tests == 1 ? "" : "s", plan.n_suites,
		       plan.n_suites == 1 ? "" : "s");
		status = PYN__EXIT_OK;
		goto out;
	}

	if (!plan.n_tests)
		fprintf(stderr, "pyntest: warning: no tests to run%s\n",
			cli.n_filters || cli.shard_count ?
				" (the filters and shard selected none)" :
				"");
	status = pyn__run(&cli, &plan, cache, &fb);
out:
	if (plan_built)
		pyn_plan_release(&plan);
	for (size_t i = 0; manifests && i < cli.n_manifests; i++)
		pyn_manifest_free(manifests[i]);
	pyn__error_list_release(&errs);
	free(manifests);
	pyn__cache_free_ids(fb.ids, fb.n);
	free(cache);
	pyn__durations_release(&sdur);
	pyn__cli_release(&cli);
	/* A clean exit, whatever the tests did: Bazel checks this file. */
	if (premature && *premature && status != PYN__EXIT_INTERNAL)
		unlink(premature);
	return status;
}
