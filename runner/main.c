/* SPDX-License-Identifier: MIT */
/*
 * runner/main.c - the pyntest program: manifests -> plan -> engine ->
 * report, with the exit codes of SPEC §4.
 *
 * Signals (runner/signals.c): SIGINT, SIGTERM, SIGHUP, SIGQUIT and
 * SIGALRM interrupt the engine and write a byte to a self-pipe that the
 * scheduler watches; the report is then written with what finished and
 * the rest marked interrupted, and pyntest exits 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "base/suggest.h"
#include "config/elf.h"
#include "config/manifest.h"
#include "host/loader.h"
#include "host/registry.h"
#include "engine/engine.h"
#include "runner/cli.h"
#include "runner/merge.h"
#include "runner/partition.h"
#include "runner/paths.h"
#include "runner/report/html.h"
#include "runner/signals.h"

static void print_error(const struct pyn_error *err)
{
	char buf[PYN_ERROR_MESSAGE_MAX + PYN_ERROR_FILE_MAX + 64];

	fprintf(stderr, "%s\n", pyn_error_format(err, buf, sizeof(buf)));
}

static void warn(void *user, const char *message)
{
	struct pyn__console *c = user;

	if (c && c->mode == PYN__CONSOLE_TTY && c->line_drawn) {
		fputs("\r\033[K", c->out);
		c->line_drawn = false;
		fflush(c->out);
	}
	fprintf(stderr, "pyntest: warning: %s\n", message);
}

/* The plan's warnings (a filter that selects nothing), before any run. */
static void plan_warn(void *user, const char *message)
{
	(void)user; /* the plan's user is the durations' */
	fprintf(stderr, "pyntest: warning: %s\n", message);
}

/* Is `path` an ELF executable (a CUnit program, SPEC §2) rather than YAML? */
static bool is_elf(const char *path)
{
	unsigned char magic[4];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	return n == 4 && !memcmp(magic, "\177ELF", 4);
}

/* A YAML double-quoted scalar. */
static void yaml_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static const char *base_name(const char *path)
{
	const char *base = strrchr(path, '/');

	return base ? base + 1 : path;
}

/*
 * The suite name of the `index`-th program on the command line: its base
 * name, and when an earlier program has the same base name, "NAME-2",
 * "NAME-3", ... by its place among them (docs/cunit.md, "Names").
 */
static void program_name(char *name, size_t size, const struct pyn__cli *cli,
			 size_t index)
{
	const char *base = base_name(cli->manifests[index]);
	unsigned same = 1;

	for (size_t i = 0; i < index; i++)
		if (!strcmp(base_name(cli->manifests[i]), base) &&
		    is_elf(cli->manifests[i]))
			same++;
	if (same > 1)
		snprintf(name, size, "%s-%u", base, same);
	else
		snprintf(name, size, "%s", base);
}

/*
 * `pyntest PROGRAM [-- ARGS]`: a one-suite manifest made in memory, so a
 * program given on the command line goes through the same checks.
 */
static int program_manifest(struct pyn_manifest **m, size_t index,
			    const struct pyn__cli *cli, struct pyn_error *err)
{
	const char *path = cli->manifests[index];
	char *yaml = NULL, cwd[PATH_MAX], name[PATH_MAX + 16];
	size_t len = 0;
	FILE *f = open_memstream(&yaml, &len);
	int ret;

	if (!f || !getcwd(cwd, sizeof(cwd)))
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "cannot read program '%s': %s", path,
				     strerror(errno));
	program_name(name, sizeof(name), cli, index);
	fputs("version: 1\nsuites:\n  - name: ", f);
	yaml_quoted(f, name);
	fputs("\n    program: ", f);
	yaml_quoted(f, path);
	fputs("\n    args: [", f);
	for (size_t i = 0; i < cli->n_program_args; i++) {
		if (i)
			fputs(", ", f);
		yaml_quoted(f, cli->program_args[i]);
	}
	fputs("]\n", f);
	fclose(f);
	ret = pyn_manifest_load_buffer(m, yaml, len, path, cwd, err);
	free(yaml);
	if (!ret)
		(*m)->command_line = true;
	return ret;
}

/*
 * Plug-ins named by the manifests go into the registry before the plan
 * is built, so their options can be validated by their own code.
 */
/*
 * Plug-ins are searched in the manifest's folder, then PYNTEST_PLUGIN_PATH,
 * then pyntest's own module folder (`plugins: [max_files]`).
 */
static char module_dir[PATH_MAX];

static int resolve_plugin(const char *name, const char *base, char *path,
			  size_t len)
{
	if (!pyn__module_resolve(name, base, "PYNTEST_PLUGIN_PATH", path, len))
		return 0;
	if (strchr(name, '/') || !module_dir[0])
		return PYN_ENOTFOUND;
	return pyn__module_resolve(name, module_dir, NULL, path, len);
}

static bool loadable(const char *path)
{
	struct pyn_elf_symbols syms = { 0 };
	struct pyn_error e;
	size_t len = strlen(path);

	if (len > 3 && !strcmp(path + len - 3, ".la"))
		return true;
	if (pyn__elf_read(&syms, path, &e))
		return false;
	pyn__elf_release(&syms);
	return true;
}

static int load_plugins(struct pyn_manifest *const *ms, size_t n,
			struct pyn_error *err)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < ms[i]->n_plugins; k++) {
			char path[PATH_MAX];
			const struct pyn_loc *loc = &ms[i]->plugin_locs[k];
			int ret;

			/* Not found: the plan says so, naming where it looked. */
			if (resolve_plugin(ms[i]->plugins[k], ms[i]->dir, path,
					   sizeof(path)))
				continue;
			/*
			 * Nor load what is no shared object: libltdl would
			 * call a text file "file not found"; the plan reads
			 * it and says what is wrong ("not an ELF file").  A
			 * libtool archive is text, and the plan follows it.
			 */
			if (!loadable(path))
				continue;
			ret = pyn__registry_add_plugin(path, err);
			if (ret) {
				if (!err->file[0]) {
					snprintf(err->file, sizeof(err->file),
						 "%s", ms[i]->path);
					err->line = loc->line;
					err->column = loc->column;
				}
				return PYN_EMANIFEST;
			}
		}
	}
	return 0;
}

static const char *slot_name(void *user, size_t i)
{
	(void)user;
	return i < pyn__registry_count() ? pyn__registry_get(i)->limiter->name :
					   NULL;
}

/*
 * --provider L=P names a limiter and one of its providers: a mistake is
 * the command line's, said before any manifest line is blamed for it.
 */
static int check_forces(const struct pyn__cli *cli, struct pyn_error *err)
{
	for (size_t i = 0; i < cli->n_forces; i++) {
		const struct pyn__provider_force *f = &cli->forces[i];
		const struct pyn__limiter_slot *s =
			pyn__registry_find(f->limiter, NULL);
		const char *hint;

		if (!s) {
			hint = pyn__suggest_in(f->limiter, slot_name, NULL);
			return pyn_error_set(
				err, PYN_EUSAGE, NULL, 0, 0,
				"option '--provider': no limiter '%s'%s%s%s",
				f->limiter, hint ? "; did you mean '" : "",
				hint ? hint : "", hint ? "'?" : "");
		}
		if (!s->supported && !strncmp(s->why, "unknown provider", 16))
			return pyn_error_set(err, PYN_EUSAGE, NULL, 0, 0,
					     "option '--provider': limiter "
					     "'%s': %s",
					     f->limiter, s->why);
	}
	return 0;
}

/* The plan's check of `limiters: {NAME: {KEY: VALUE}}`: the C API's. */
static int validate_option(void *user, const char *limiter,
			   const struct pyn_limiter_option *opt,
			   struct pyn_error *err)
{
	char path[PATH_MAX];
	size_t len;
	int ret;

	(void)user;
	/* Unknown names have no place: the plan puts them at the key. */
	ret = pyn__limiter_option_check(limiter, opt, PYN_EMANIFEST, err);
	/* A plug-in pyntest ships, used without loading it: say how. */
	if (ret && !opt && !pyn__registry_find(limiter, NULL) &&
	    module_dir[0] && !strchr(limiter, '/') &&
	    !pyn__module_resolve(limiter, module_dir, NULL, path,
				 sizeof(path))) {
		len = strlen(err->message);
		snprintf(err->message + len, sizeof(err->message) - len,
			 "; it is a plug-in: load it with 'plugins: [%s]'",
			 limiter);
	}
	return ret;
}

static void first_name(void *user, const char *limit, const char *why)
{
	const char **name = user;

	(void)why;
	if (!*name)
		*name = limit;
}

/*
 * Which limit of `t` no supported limiter here can enforce: its limiter's
 * name, or NULL when every limit it sets is enforceable.
 */
static const char *unenforceable(const struct pyn_plan_test *t)
{
	const char *name = NULL;

	pyn__limits_unsupported(&t->limits, first_name, &name);
	return name;
}

/*
 * A limit the manifest sets but nothing here can enforce is a manifest
 * error (SPEC: a limit silently not enforced would pass a test that should
 * fail), unless the user asked for best effort: then one warning per
 * limiter, and the tests run without it.
 */
/*
 * Tests built with a sanitizer run slower and bigger: their limits grow
 * by the sanitizer's factors (docs/instruments.md), before anything
 * shows or uses them.
 */
static int scale_for_sanitizers(struct pyn_plan *plan)
{
	struct pyn_plan_test *t;
	double time, memory;
	unsigned bits;
	char why[256];
	size_t i;

	for (i = 0; i < plan->n_tests; i++) {
		t = &plan->tests[i];
		bits = pyn__sanitizers(t->program ? t->program :
						    t->task.library);
		if (!bits)
			continue;
		if (pyn__sanitizer_scale(bits, &time, &memory, why,
					 sizeof(why)) != 0) {
			fprintf(stderr, "pyntest: error: %s\n", why);
			return -1;
		}
		t->limits.wall_time_s *= time;
		t->limits.cpu_time_s *= time;
		t->limits.memory_bytes =
			(uint64_t)((double)t->limits.memory_bytes * memory);
	}
	return 0;
}

static int check_enforceable(const struct pyn_plan *plan, bool best_effort,
			     struct pyn_error *err)
{
	bool warned[PYN__LIMITERS_MAX] = { false };

	for (size_t i = 0; i < plan->n_tests; i++) {
		const struct pyn_plan_test *t = &plan->tests[i];
		const char *name = unenforceable(t);
		const struct pyn__limiter_slot *slot;
		struct pyn_error e;
		size_t index = 0;

		if (pyn__task_fits(&t->task, &e))
			return pyn_error_set(
				err, PYN_EMANIFEST, t->file, t->line, t->column,
				"test '%s' cannot run: %s", t->id, e.message);
		if (!name)
			continue;
		slot = pyn__registry_find(name, &index);
		if (!best_effort)
			return pyn_error_set(
				err, PYN_EMANIFEST, t->file, t->line, t->column,
				"test '%s' needs limiter '%s', which is not supported here: %s; pass --best-effort to run it without that limit",
				t->id, name,
				slot && slot->why[0] ? slot->why :
						       "unknown reason");
		if (index < PYN__LIMITERS_MAX && !warned[index]) {
			warned[index] = true;
			fprintf(stderr,
				"pyntest: warning: limiter '%s' is not supported here (%s); tests that set it run without it (--best-effort)\n",
				name,
				slot && slot->why[0] ? slot->why :
						       "unknown reason");
		}
	}
	return 0;
}

/* Last time's failures, for --last-failed and --failed-first. */
struct failed_before {
	char **ids; /* sorted */
	size_t n;
	size_t kept; /* selected tests among them */
};

static bool keep_failed(void *user, const char *id)
{
	struct failed_before *fb = user;
	bool in = pyn__cache_has(fb->ids, fb->n, id);

	fb->kept += in;
	return in;
}

/* --last-failed says what it picked, as pytest does. */
static void say_last_failed(const struct failed_before *fb, size_t n_tests)
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

/* The watch fd for the engine: an epoll set of the signal pipe and,
 * on a terminal, a timer that redraws the progress line. */
static int make_watch(int signal_fd, bool tty, int *timer)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	*timer = -1;
	if (ep < 0)
		return -1;
	ev.data.fd = signal_fd;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, signal_fd, &ev))
		goto fail;
	if (tty) {
		struct itimerspec its = { { 0, 250000000 }, { 0, 250000000 } };

		*timer = timerfd_create(CLOCK_MONOTONIC,
					TFD_CLOEXEC | TFD_NONBLOCK);
		if (*timer >= 0 && !timerfd_settime(*timer, 0, &its, NULL)) {
			ev.data.fd = *timer;
			epoll_ctl(ep, EPOLL_CTL_ADD, *timer, &ev);
		}
	}
	return ep;
fail:
	close(ep);
	return -1;
}

/*
 * The durations a split by time weighs tests with: --shard-durations, else
 * this machine's duration cache (then every shard must see the same file:
 * said by say_shard).  No durations at all is not an error: the split is
 * then by count.
 */
static int load_shard_durations(const struct pyn__cli *cli,
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
static void say_shard(const struct pyn__cli *cli,
		      const struct pyn__durations *d, size_t n_tests)
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

static int exit_code(const struct pyn__report *r, bool interrupted)
{
	struct pyn__counts c;

	if (interrupted)
		return PYN__EXIT_INTERRUPTED;
	pyn__report_count(r, &c);
	if (pyn__counts_failed(&c))
		return PYN__EXIT_TESTS_FAILED;
	if (!c.total)
		return PYN__EXIT_NO_TESTS;
	return PYN__EXIT_OK;
}

int main(int argc, char **argv)
{
	struct pyn_manifest **manifests = NULL;
	struct pyn_plan plan;
	struct pyn_plan_options popts;
	struct pyn__cli cli;
	struct pyn__report report;
	struct pyn__console console;
	struct pyn__live live;
	struct pyn__schedule sched;
	struct pyn_engine_options eopts;
	struct pyn_engine *engine = NULL;
	struct pyn_error err;
	const char *premature = getenv("TEST_PREMATURE_EXIT_FILE");
	char *cache = NULL, shard[32];
	struct pyn__durations sdur = { 0 };
	struct failed_before fb = { NULL, 0, 0 };
	bool *first = NULL;
	double *durations = NULL, t0;
	bool interrupted = false, tty, plan_built = false;
	bool report_failed = false;
	int status = PYN__EXIT_INTERNAL, ret, watch = -1, timer = -1;
	int signal_fd = -1;
	struct pyn__report_path reports[2];
	struct pyn__spool spool = { .fd = -1 };
	size_t n_reports = 0;
	size_t n_loaded = 0;
	struct timespec now;

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
	memset(&report, 0, sizeof(report));
	memset(&console, 0, sizeof(console));
	memset(&live, 0, sizeof(live));
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

		if (is_elf(path))
			ret = program_manifest(&manifests[i], i, &cli, &err);
		else
			ret = pyn_manifest_load(&manifests[i], path, &err);
		if (ret) {
			print_error(&err);
			status = ret == PYN_ENOMEM ? PYN__EXIT_INTERNAL :
						     PYN__EXIT_USAGE;
			goto out;
		}
		n_loaded++;
	}
	if (pyn__module_dir(module_dir, sizeof(module_dir)))
		module_dir[0] = '\0';
	if (load_plugins(manifests, n_loaded, &err)) {
		print_error(&err);
		status = PYN__EXIT_USAGE;
		goto out;
	}
	if (check_forces(&cli, &err)) {
		fprintf(stderr,
			"pyntest: error: %s\n"
			"Try 'pyntest --help' for more information.\n",
			err.message);
		status = PYN__EXIT_USAGE;
		goto out;
	}
	if (cli.limiters) {
		pyn__limiters_print(module_dir, !cli.n_manifests);
		status = PYN__EXIT_OK;
		goto out;
	}

	if (cli.shard_count > 1 && cli.shard_by == PYN_SHARD_BY_TIME &&
	    load_shard_durations(&cli, &sdur, &err)) {
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
	popts.validate_option = validate_option;
	popts.enumerate = pyn__enumerate;
	popts.plugin_dir = module_dir[0] ? module_dir : NULL;
	popts.warn = plan_warn;
	if (cli.last_failed || cli.failed_first) {
		cache = pyn__cache_path(cli.manifests, cli.n_manifests);
		fb.ids = pyn__cache_failed(cache, &fb.n);
	}
	if (cli.last_failed) {
		popts.keep = keep_failed;
		popts.keep_user = &fb;
	}
	ret = pyn_plan_build(&plan, manifests, n_loaded, &popts, &err);
	if (ret) {
		/* A program has no lines: drop the in-memory manifest's. */
		for (size_t i = 0; i < cli.n_manifests; i++)
			if (!strcmp(err.file, cli.manifests[i]) &&
			    is_elf(cli.manifests[i]))
				err.line = err.column = 0;
		print_error(&err);
		status = ret == PYN_ENOMEM ? PYN__EXIT_INTERNAL :
					     PYN__EXIT_USAGE;
		goto out;
	}
	plan_built = true;
	if (scale_for_sanitizers(&plan)) {
		status = PYN__EXIT_USAGE;
		goto out;
	}
	if (cli.last_failed)
		say_last_failed(&fb, plan.n_tests);
	/* A program given on the command line has no manifest lines. */
	for (size_t i = 0; i < cli.n_manifests; i++) {
		if (!is_elf(cli.manifests[i]))
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
		say_shard(&cli, &sdur, plan.n_tests);
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
				       t->limits.wall_time_s,
				       t->limits.cpu_time_s,
				       (unsigned long long)
					       t->limits.memory_bytes);
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
	if (check_enforceable(&plan, cli.best_effort, &err)) {
		print_error(&err);
		status = PYN__EXIT_USAGE;
		goto out;
	}
	if (cli.check && pyn__check_load(&plan, &err)) {
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
	signal_fd = pyn__signals_install();
	if (signal_fd < 0) {
		fprintf(stderr, "pyntest: error: cannot set up signals: %s\n",
			strerror(errno));
		goto out;
	}
	/*
	 * With TAP or JSON on stdout, the console report goes to stderr;
	 * --debug: the test writes to the terminal, no status line over it.
	 */
	tty = !cli.format && !cli.debug_id && isatty(STDOUT_FILENO) &&
	      !getenv("CI") &&
	      !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	pyn__console_init(
		&console, cli.format ? stderr : stdout,
		tty ? PYN__CONSOLE_TTY : PYN__CONSOLE_PLAIN, cli.verbosity,
		pyn__color_wanted(cli.color,
				  cli.format ? STDERR_FILENO : STDOUT_FILENO),
		plan.n_tests);
	console.durations = cli.durations;
	console.concise = cli.concise;
	watch = make_watch(signal_fd, tty, &timer);
	if (watch < 0) {
		fprintf(stderr, "pyntest: error: cannot watch signals: %s\n",
			strerror(errno));
		goto out;
	}
	eopts = (struct pyn_engine_options)PYN_ENGINE_OPTIONS_INIT;
	eopts.warn = warn;
	eopts.warn_user = &console;
	engine = pyn_engine_new(&eopts, &err);
	if (!engine) {
		fprintf(stderr, "pyntest: error: cannot start the engine: %s\n",
			err.message);
		goto out;
	}
	pyn__signals_engine(engine);

	if (!cache)
		cache = pyn__cache_path(cli.manifests, cli.n_manifests);
	durations = pyn__cache_load(cache, &plan);
	if (cli.failed_first && fb.n) {
		first = calloc(plan.n_tests + 1, sizeof(*first));
		for (size_t i = 0; first && i < plan.n_tests; i++)
			first[i] =
				pyn__cache_has(fb.ids, fb.n, plan.tests[i].id);
	}
	memset(&sched, 0, sizeof(sched));
	sched.jobs = cli.jobs;
	sched.fail_fast = cli.fail_fast;
	sched.prestart = !getenv("PYNTEST_PRESTART") ||
			 strcmp(getenv("PYNTEST_PRESTART"), "0") != 0;
	sched.watch_fd = watch;
	sched.signal_fd = signal_fd;
	sched.console = &console;
	sched.durations = durations;
	/* Without a spool (no writable $TMPDIR or /tmp) output stays here. */
	if (!pyn__spool_open(&spool))
		sched.spool = &spool;
	sched.first = first;
	clock_gettime(CLOCK_REALTIME, &now);
	report.start_epoch_s = (double)now.tv_sec;
	report.manifests = cli.manifests;
	report.n_manifests = cli.n_manifests;
	report.jobs = cli.jobs;
	if (cli.shard_count) {
		snprintf(shard, sizeof(shard), "%u/%u", cli.shard_index + 1,
			 cli.shard_count);
		report.shard = shard;
	}
	if (pyn__live_begin(&live, stdout, cli.format, cli.events_path, &plan,
			    cli.jobs, cli.manifests, cli.n_manifests, &err)) {
		fprintf(stderr, "pyntest: error: %s\n", err.message);
		status = err.code == PYN_ENOMEM ? PYN__EXIT_INTERNAL :
						  PYN__EXIT_USAGE;
		goto out;
	}
	sched.listeners = live.head;
	t0 = pyn__now();
	ret = pyn__schedule_run(engine, &plan, &sched, &report, &interrupted,
				&err);
	report.duration_s = pyn__now() - t0;
	if (ret) {
		/* The engine broke: still write what finished. */
		fprintf(stderr, "pyntest: error: %s\n", err.message);
		interrupted = true;
	}
	if (cli.junit_path &&
	    pyn__junit_write(&report, cli.junit_path, cli.flavor, &err)) {
		fprintf(stderr, "pyntest: error: %s\n", err.message);
		report_failed = true;
	}
	/* One report failing to write does not cost the other one. */
	if (cli.html_path && pyn__html_write(&report, cli.html_path, &err)) {
		fprintf(stderr, "pyntest: error: %s\n", err.message);
		report_failed = true;
	}
	pyn__console_summary(&console, &report);
	pyn__live_end(&live, &report, interrupted,
		      ret || report_failed ? PYN__EXIT_INTERNAL :
					     exit_code(&report, interrupted));
	if (report_failed)
		goto out;
	if (!interrupted)
		pyn__cache_save(cache, &report);
	status = ret ? PYN__EXIT_INTERNAL : exit_code(&report, interrupted);
out:
	pyn__signals_engine(NULL);
	pyn_engine_free(engine);
	pyn__report_release(&report);
	pyn__spool_close(&spool);
	pyn__console_release(&console);
	pyn__live_release(&live);
	if (plan_built)
		pyn_plan_release(&plan);
	for (size_t i = 0; manifests && i < n_loaded; i++)
		pyn_manifest_free(manifests[i]);
	free(manifests);
	free(durations);
	free(first);
	pyn__cache_free_ids(fb.ids, fb.n);
	free(cache);
	pyn__durations_release(&sdur);
	if (watch >= 0)
		close(watch);
	if (timer >= 0)
		close(timer);
	pyn__cli_release(&cli);
	/* A clean exit, whatever the tests did: Bazel checks this file. */
	if (premature && *premature && status != PYN__EXIT_INTERNAL)
		unlink(premature);
	return status;
}
