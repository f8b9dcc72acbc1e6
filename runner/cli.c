/* SPDX-License-Identifier: MIT */
/*
 * runner/cli.c - the command line of SPEC §4, and the environment of the
 * test protocols users bring (Bazel, GoogleTest).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/isolation.h"
#include "base/suggest.h"
#include "base/units.h"
#include "runner/cli.h"
#include "runner/partition.h"

int pyn__usage_error(struct pyn_error *err, const char *fmt, ...)
{
	va_list ap;

	memset(err, 0, sizeof(*err));
	err->code = PYN_EUSAGE;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return PYN_EUSAGE;
}

enum {
	OPT_FLAVOR = 256,
	OPT_LIST,
	OPT_CHECK,
	OPT_RETRIES,
	OPT_SHARD,
	OPT_ISOLATION,
	OPT_WALL,
	OPT_CPU,
	OPT_MEMORY,
	OPT_LIMITERS,
	OPT_PROVIDER,
	OPT_COLOR,
	OPT_VERSION,
	OPT_HTML,
	OPT_BEST_EFFORT,
	OPT_SHARD_BY,
	OPT_SHARD_DURATIONS,
	OPT_SHARD_TOTAL,
	OPT_FORMAT,
	OPT_EVENTS,
	OPT_DEBUG,
	OPT_WRAPPER,
	OPT_CORE_DUMPS,
	OPT_LAST_FAILED,
	OPT_FAILED_FIRST,
	OPT_DURATIONS,
	OPT_CONCISE,
	OPT_EXACT,
};

static const struct option long_options[] = {
	{ "junit-xml", required_argument, NULL, 'o' },
	{ "junitxml", required_argument, NULL, 'o' },
	{ "junit-flavor", required_argument, NULL, OPT_FLAVOR },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "jobs", required_argument, NULL, 'j' },
	{ "filter", required_argument, NULL, 'k' },
	{ "exact", no_argument, NULL, OPT_EXACT },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "fail-fast", no_argument, NULL, 'x' },
	{ "last-failed", no_argument, NULL, OPT_LAST_FAILED },
	{ "lf", no_argument, NULL, OPT_LAST_FAILED },
	{ "failed-first", no_argument, NULL, OPT_FAILED_FIRST },
	{ "ff", no_argument, NULL, OPT_FAILED_FIRST },
	{ "durations", required_argument, NULL, OPT_DURATIONS },
	{ "concise", no_argument, NULL, OPT_CONCISE },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "shard-by", required_argument, NULL, OPT_SHARD_BY },
	{ "shard-durations", required_argument, NULL, OPT_SHARD_DURATIONS },
	{ "shard-total", required_argument, NULL, OPT_SHARD_TOTAL },
	{ "isolation", required_argument, NULL, OPT_ISOLATION },
	{ "wall-time", required_argument, NULL, OPT_WALL },
	{ "cpu-time", required_argument, NULL, OPT_CPU },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "limiters", no_argument, NULL, OPT_LIMITERS },
	{ "provider", required_argument, NULL, OPT_PROVIDER },
	{ "best-effort", no_argument, NULL, OPT_BEST_EFFORT },
	{ "debug", required_argument, NULL, OPT_DEBUG },
	{ "wrapper", required_argument, NULL, OPT_WRAPPER },
	{ "core-dumps", no_argument, NULL, OPT_CORE_DUMPS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A whole decimal number in [lo, hi]; false for anything else. */
static bool parse_uint(const char *s, unsigned long lo, unsigned long hi,
		       unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static int push(const char ***list, size_t *n, const char *item)
{
	const char **p = realloc(*list, (*n + 1) * sizeof(*p));

	if (!p)
		return PYN_ENOMEM;
	p[(*n)++] = item;
	*list = p;
	return 0;
}

/* The name the user typed for the option `c`, for messages. */
static const char *option_name(int c, char *buf, size_t len)
{
	for (const struct option *o = long_options; o->name; o++) {
		if (o->val == c) {
			if (c < 256)
				snprintf(buf, len, "-%c/--%s", c, o->name);
			else
				snprintf(buf, len, "--%s", o->name);
			return buf;
		}
	}
	snprintf(buf, len, "-%c", c);
	return buf;
}

static int parse_shard(struct pyn__cli *cli, const char *arg,
		       struct pyn_error *err)
{
	unsigned long i, n;
	char tmp[64], *slash;

	snprintf(tmp, sizeof(tmp), "%s", arg);
	slash = strchr(tmp, '/');
	if (slash)
		*slash = '\0';
	if (!slash || !parse_uint(slash + 1, 1, 1000000, &n) ||
	    !parse_uint(tmp, 1, n, &i))
		return pyn__usage_error(
			err,
			"option '--shard' needs I/N with 1 <= I <= N, not '%s'",
			arg);
	cli->shard_index = (unsigned)(i - 1);
	cli->shard_count = (unsigned)n;
	snprintf(cli->shard_source, sizeof(cli->shard_source), "--shard");
	return 0;
}

/*
 * TESTBRIDGE_TEST_ONLY (bazel test --test_filter) as filters, in
 * GoogleTest's syntax: POS:POS-NEG:NEG.  GoogleTest matches a name
 * without wildcards exactly, so such a name gets a `\` before its first
 * character: a glob, matched whole, that means the same name.
 */
static int filters_from_env(struct pyn__cli *cli)
{
	const char *v = getenv("TESTBRIDGE_TEST_ONLY");
	char *save = NULL, *tok, *neg, *w;

	if (!v || !*v)
		return 0;
	cli->env_filters[0] = strdup(v);
	/* Room for "!\\" before each glob and its NUL. */
	cli->env_filters[1] = malloc(4 * strlen(v) + 4);
	if (!cli->env_filters[0] || !cli->env_filters[1])
		return PYN_ENOMEM;
	neg = strchr(cli->env_filters[0], '-');
	if (neg)
		*neg++ = '\0';
	w = cli->env_filters[1];
	for (tok = strtok_r(cli->env_filters[0], ":", &save); tok;
	     tok = strtok_r(NULL, ":", &save)) {
		if (push(&cli->filters, &cli->n_filters, w))
			return PYN_ENOMEM;
		w += sprintf(w, "%s%s",
			     pyn_plan_filter_is_glob(tok) ? "" : "\\", tok) +
		     1;
	}
	if (!neg)
		return 0;
	for (tok = strtok_r(neg, ":", &save); tok;
	     tok = strtok_r(NULL, ":", &save)) {
		if (push(&cli->filters, &cli->n_filters, w))
			return PYN_ENOMEM;
		w += sprintf(w, "!%s%s",
			     pyn_plan_filter_is_glob(tok) ? "" : "\\", tok) +
		     1;
	}
	return 0;
}

/*
 * --exact: each -k PAT (after its "!") becomes a glob that matches PAT
 * alone: a `\\` before its first character and before each of `*?[\\`.
 */
static int exact_filters(struct pyn__cli *cli)
{
	size_t size = 0;
	char *w;

	for (size_t i = 0; i < cli->n_filters; i++)
		size += 2 * strlen(cli->filters[i]) + 3;
	cli->exact_filters = malloc(size ? size : 1);
	if (!cli->exact_filters)
		return PYN_ENOMEM;
	w = cli->exact_filters;
	for (size_t i = 0; i < cli->n_filters; i++) {
		const char *p = cli->filters[i];

		cli->filters[i] = w;
		if (*p == '!')
			*w++ = *p++;
		for (const char *c = p; *c; c++) {
			if (c == p || strchr("*?[\\", *c))
				*w++ = '\\';
			*w++ = *c;
		}
		*w++ = '\0';
	}
	return 0;
}

static const char *long_option_name(void *user, size_t i)
{
	(void)user;
	return long_options[i].name;
}

/* "unknown option '--wal-time'; did you mean '--wall-time'?" */
static int unknown_option(const char *arg, struct pyn_error *err)
{
	char word[64];
	const char *hint = NULL;
	size_t n;

	if (strncmp(arg, "--", 2) == 0) {
		n = strcspn(arg + 2, "=");
		if (n < sizeof(word)) {
			memcpy(word, arg + 2, n);
			word[n] = '\0';
			hint = pyn__suggest_in(word, long_option_name, NULL);
		}
	}
	if (hint)
		return pyn__usage_error(
			err, "unknown option '%s'; did you mean '--%s'?", arg,
			hint);
	return pyn__usage_error(err, "unknown option '%s'", arg);
}

static int parse_time(const char *opt, const char *arg, double *out,
		      struct pyn_error *err)
{
	struct pyn_error e;

	if (pyn__time_parse("time limit", NULL, arg, NULL, out, &e))
		return pyn__usage_error(err, "option '%s': %s", opt, e.message);
	return 0;
}

int pyn__cli_parse(struct pyn__cli *cli, int argc, char **argv,
		   struct pyn_error *err)
{
	char name[64];
	int argc_opts = argc, c, ret;
	long cpus;
	unsigned long v;

	memset(cli, 0, sizeof(*cli));
	cli->retries = -1;
	cli->durations = -1;
	cli->color = "auto";
	cli->junit_path = getenv("XML_OUTPUT_FILE");
	if (cli->junit_path && !*cli->junit_path)
		cli->junit_path = NULL;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cli->jobs = cpus > 0 ? (unsigned)cpus : 1;

	/* Everything after `--` belongs to PROGRAM, never to us. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			argc_opts = i;
			for (int k = i + 1; k < argc; k++)
				if (push(&cli->program_args,
					 &cli->n_program_args, argv[k]))
					return PYN_ENOMEM;
			break;
		}
	}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc_opts, argv, ":o:j:k:xqvh", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			cli->junit_path = optarg;
			break;
		case OPT_HTML:
			cli->html_path = optarg;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "console"))
				cli->format = PYN__FORMAT_CONSOLE;
			else if (!strcmp(optarg, "tap"))
				cli->format = PYN__FORMAT_TAP;
			else if (!strcmp(optarg, "tap13"))
				cli->format = PYN__FORMAT_TAP13;
			else if (!strcmp(optarg, "json"))
				cli->format = PYN__FORMAT_JSON;
			else
				return pyn__usage_error(
					err,
					"option '--format' takes console, tap, tap13 or json, not '%s'",
					optarg);
			break;
		case OPT_EVENTS:
			cli->events_path = optarg;
			break;
		case OPT_FLAVOR:
			if (!strcmp(optarg, "default"))
				cli->flavor = PYN__JUNIT_DEFAULT;
			else if (!strcmp(optarg, "strict"))
				cli->flavor = PYN__JUNIT_STRICT;
			else
				return pyn__usage_error(
					err,
					"option '--junit-flavor' takes default or strict, not '%s'",
					optarg);
			break;
		case 'j':
			if (!parse_uint(optarg, 1, 4096, &v))
				return pyn__usage_error(
					err,
					"option '-j/--jobs' needs a whole number from 1 to 4096, not '%s'",
					optarg);
			cli->jobs = (unsigned)v;
			break;
		case 'k':
			if (push(&cli->filters, &cli->n_filters, optarg))
				return PYN_ENOMEM;
			break;
		case OPT_EXACT:
			cli->exact = true;
			break;
		case OPT_LIST:
			cli->list = true;
			break;
		case OPT_CHECK:
			cli->check = true;
			break;
		case 'x':
			cli->fail_fast = true;
			break;
		case OPT_BEST_EFFORT:
			cli->best_effort = true;
			break;
		case OPT_DEBUG:
			if (!*optarg)
				return pyn__usage_error(
					err,
					"option '--debug' needs a test id");
			cli->debug_id = optarg;
			break;
		case OPT_WRAPPER:
			cli->wrapper = optarg;
			break;
		case OPT_CORE_DUMPS:
			cli->core_dumps = true;
			break;
		case OPT_CONCISE:
			cli->concise = true;
			break;
		case OPT_LAST_FAILED:
			cli->last_failed = true;
			break;
		case OPT_FAILED_FIRST:
			cli->failed_first = true;
			break;
		case OPT_DURATIONS:
			if (!parse_uint(optarg, 0, 1000000, &v))
				return pyn__usage_error(
					err,
					"option '--durations' needs a whole number (0: all), not '%s'",
					optarg);
			cli->durations = (int)v;
			break;
		case OPT_RETRIES:
			if (!parse_uint(optarg, 0, 1000, &v))
				return pyn__usage_error(
					err,
					"option '--retries' needs a whole number from 0 to 1000, not '%s'",
					optarg);
			cli->retries = (int)v;
			break;
		case OPT_SHARD:
			ret = parse_shard(cli, optarg, err);
			if (ret)
				return ret;
			break;
		case OPT_SHARD_BY:
			if (!strcmp(optarg, "hash"))
				cli->shard_by = PYN_SHARD_BY_HASH;
			else if (!strcmp(optarg, "count"))
				cli->shard_by = PYN_SHARD_BY_COUNT;
			else if (!strcmp(optarg, "time"))
				cli->shard_by = PYN_SHARD_BY_TIME;
			else
				return pyn__usage_error(
					err,
					"option '--shard-by' takes hash, count or time, not '%s'",
					optarg);
			break;
		case OPT_SHARD_DURATIONS:
			cli->shard_durations = optarg;
			cli->shard_by = PYN_SHARD_BY_TIME;
			break;
		case OPT_SHARD_TOTAL:
			if (!parse_uint(optarg, 1, 1000000, &v))
				return pyn__usage_error(
					err,
					"option '--shard-total' needs a whole number from 1 to 1000000, not '%s'",
					optarg);
			cli->shard_total = (unsigned)v;
			break;
		case OPT_ISOLATION:
			ret = pyn__isolation_parse(optarg);
			if (ret >= 0)
				cli->isolation = (enum pyn_isolation)ret;
			else
				return pyn__usage_error(
					err,
					"option '--isolation' takes fork, spawn or forkserver, not '%s'",
					optarg);
			break;
		case OPT_WALL:
			ret = parse_time("--wall-time", optarg,
					 &cli->wall_time_s, err);
			if (ret)
				return ret;
			break;
		case OPT_CPU:
			ret = parse_time("--cpu-time", optarg, &cli->cpu_time_s,
					 err);
			if (ret)
				return ret;
			break;
		case OPT_MEMORY: {
			struct pyn_error e;

			if (pyn__memory_parse("memory limit", NULL, optarg,
					      NULL, &cli->memory_bytes, &e))
				return pyn__usage_error(err,
							"option '--memory': %s",
							e.message);
			break;
		}
		case OPT_LIMITERS:
			cli->limiters = true;
			break;
		case OPT_PROVIDER: {
			const char *eq = strchr(optarg, '=');
			struct pyn__provider_force *f;

			if (!eq || eq == optarg || !eq[1])
				return pyn__usage_error(
					err,
					"option '--provider' needs LIMITER=PROVIDER, not '%s'",
					optarg);
			f = realloc(cli->forces,
				    (cli->n_forces + 1) * sizeof(*f));
			if (!f)
				return PYN_ENOMEM;
			cli->forces = f;
			f = &f[cli->n_forces++];
			f->limiter = strndup(optarg, (size_t)(eq - optarg));
			f->provider = strdup(eq + 1);
			if (!f->limiter || !f->provider)
				return PYN_ENOMEM;
			break;
		}
		case 'q':
			cli->verbosity = -1;
			break;
		case 'v':
			cli->verbosity = 1;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") &&
			    strcmp(optarg, "always") && strcmp(optarg, "never"))
				return pyn__usage_error(
					err,
					"option '--color' takes auto, always or never, not '%s'",
					optarg);
			cli->color = optarg;
			break;
		case OPT_VERSION:
			cli->version = true;
			break;
		case 'h':
			cli->help = true;
			break;
		case ':':
			if (optopt)
				return pyn__usage_error(
					err, "option '%s' needs an argument",
					option_name(optopt, name,
						    sizeof(name)));
			return pyn__usage_error(err,
						"option '%s' needs an argument",
						argv[optind - 1]);
		default:
			if (optopt)
				return pyn__usage_error(
					err, "unknown option '-%c'", optopt);
			return unknown_option(argv[optind - 1], err);
		}
	}
	for (int i = optind; i < argc_opts; i++)
		if (push(&cli->manifests, &cli->n_manifests, argv[i]))
			return PYN_ENOMEM;
	if (cli->help || cli->version)
		return 0;
	if (!cli->shard_count) {
		ret = pyn__partition_from_env(cli, err);
		if (ret)
			return ret;
	}
	if (cli->exact && exact_filters(cli))
		return PYN_ENOMEM;
	if (!cli->n_filters && filters_from_env(cli))
		return PYN_ENOMEM;
	/* --debug ID selects ID; the plan must then hold it alone. */
	if (cli->debug_id) {
		if (push(&cli->filters, &cli->n_filters, cli->debug_id))
			return PYN_ENOMEM;
		cli->jobs = 1;
		cli->retries = 0;
	}
	if (!cli->n_manifests && !cli->limiters)
		return pyn__usage_error(err, "no manifest given");
	if (cli->n_program_args && cli->n_manifests != 1)
		return pyn__usage_error(
			err, "arguments after '--' need exactly one PROGRAM");
	return 0;
}

void pyn__cli_release(struct pyn__cli *cli)
{
	if (!cli)
		return;
	free(cli->manifests);
	free(cli->program_args);
	free(cli->filters);
	for (size_t i = 0; i < cli->n_forces; i++) {
		free(cli->forces[i].limiter);
		free(cli->forces[i].provider);
	}
	free(cli->forces);
	free(cli->env_filters[0]);
	free(cli->env_filters[1]);
	free(cli->exact_filters);
	memset(cli, 0, sizeof(*cli));
}
