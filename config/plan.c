/* SPDX-License-Identifier: MIT */
/*
 * config/plan.c - manifests -> the flat plan of tests.
 *
 * Libraries, programs and plug-ins are found on disk and checked without
 * running a byte of them: test functions, setup and teardown are looked up
 * in the ELF dynamic symbol table (elf.c).  Only imported CUnit suites need
 * code to run to be listed; the runner does that through `enumerate`.
 *
 * Every string of the plan lives in one arena freed by pyn_plan_release,
 * so a plan of 100,000 tests costs a handful of allocations.
 */
#include "config/plan.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/isolation.h"
#include "config/elf.h"
#include "config/manifest.h"
#include "config/util.h"

/* ---- Arena ---------------------------------------------------------- */

struct pyn__plan_arena {
	struct pyn__plan_arena *next;
	size_t used, cap;
	max_align_t data[];
};

static void *arena_alloc(struct pyn__plan_arena **arena, size_t size)
{
	struct pyn__plan_arena *a = *arena;
	size_t align = _Alignof(max_align_t);
	void *p;

	size = (size + align - 1) / align * align;
	if (!a || a->cap - a->used < size) {
		size_t cap = size > 65536 ? size : 65536;

		a = malloc(sizeof(*a) + cap);
		if (!a)
			return NULL;
		a->next = *arena;
		a->used = 0;
		a->cap = cap;
		*arena = a;
	}
	p = (char *)a->data + a->used;
	a->used += size;
	memset(p, 0, size);
	return p;
}

static char *arena_strdup(struct pyn__plan_arena **arena, const char *s)
{
	size_t n;
	char *p;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = arena_alloc(arena, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static void arena_free(struct pyn__plan_arena *a)
{
	while (a) {
		struct pyn__plan_arena *next = a->next;

		free(a);
		a = next;
	}
}

/* ---- Build state ---------------------------------------------------- */

struct build {
	struct pyn_plan *plan;
	const struct pyn_plan_options *opt;
	struct pyn_error *err;
	size_t cap; /* of plan->tests */
	struct pyn__strset ids; /* id -> index in plan->tests */
	struct pyn__strset suites; /* manifest suite name -> manifest index */
	const struct pyn_manifest *m; /* being expanded */
	struct pyn__strset dedup; /* plug-in paths */
	struct pyn__strset interned; /* strings many tests share */
};

static int nomem(struct build *b)
{
	return pyn_error_set(b->err, PYN_ENOMEM, NULL, 0, 0,
				 "cannot build the plan: out of memory");
}

static int fail_at(struct build *b, struct pyn_loc loc, int code,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail_at(struct build *b, struct pyn_loc loc, int code,
		   const char *fmt, ...)
{
	char msg[PYN_ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pyn_error_set(b->err, code, b->m ? b->m->path : NULL,
				 loc.line, loc.column, "%s", msg);
}

static char *adup(struct build *b, const char *s)
{
	return arena_strdup(&b->plan->arena, s);
}

/*
 * One copy of a string many tests share (manifest path, suite name,
 * setup, ...): with 100,000 tests, copies per test add up.
 */
static char *aintern(struct build *b, const char *s)
{
	size_t i;
	char *copy;

	if (!s)
		return NULL;
	/* The value is the string's own address. */
	if (pyn__strset_get(&b->interned, s, &i))
		return (char *)(uintptr_t)i;
	copy = adup(b, s);
	if (!copy || pyn__strset_add(&b->interned, copy,
				     (size_t)(uintptr_t)copy, NULL) < 0)
		return NULL;
	return copy;
}

/* ---- Finding files -------------------------------------------------- */

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * Find `name` as lt_dlopenext would: as given, then with each extension,
 * relative names against `base` then each directory of $env_var.  What
 * was tried goes to `tried` ("x{,.so,.la} in the manifest's folder"),
 * and `*is_dir` is set when no file was found but a candidate is a
 * directory: "not found" would send the user looking for the wrong thing.
 */
static bool find_file(const char *name, const char *base, const char *env_var,
		      const char *last_dir, const char *const *exts, char *out,
		      size_t out_len, char *tried, size_t tried_len,
		      bool *is_dir)
{
	const char *env = env_var ? getenv(env_var) : NULL;
	char dirs_buf[PATH_MAX * 2];
	const char *dirs[64];
	size_t n_dirs = 0, i, e;
	char *save = NULL, *tok;

	*is_dir = false;
	snprintf(tried, tried_len, "%s", name);
	if (exts[0]) {
		append(tried, tried_len, "{");
		for (e = 0; exts[e]; e++)
			append(tried, tried_len, ",%s", exts[e]);
		append(tried, tried_len, "}");
	}
	if (name[0] == '/') {
		dirs[n_dirs++] = NULL;
	} else {
		append(tried, tried_len, " in the manifest's folder");
		dirs[n_dirs++] = base;
		if (env && *env && strlen(env) < sizeof(dirs_buf)) {
			append(tried, tried_len, " and in %s", env_var);
			strcpy(dirs_buf, env);
			for (tok = strtok_r(dirs_buf, ":", &save);
			     tok && n_dirs < 64;
			     tok = strtok_r(NULL, ":", &save))
				dirs[n_dirs++] = tok;
		}
		/* Only a bare name ("max_files") may be a shipped module. */
		if (last_dir && *last_dir && !strchr(name, '/') &&
		    n_dirs < 64) {
			append(tried, tried_len,
			       " and in pyntest's module folder");
			dirs[n_dirs++] = last_dir;
		}
	}
	for (i = 0; i < n_dirs; i++) {
		char stem[PATH_MAX];

		if (dirs[i] && strcmp(dirs[i], ".") != 0)
			snprintf(stem, sizeof(stem), "%s/%s", dirs[i], name);
		else
			snprintf(stem, sizeof(stem), "%s", name);
		if (is_file(stem) && realpath(stem, out) &&
		    strlen(out) < out_len)
			return true;
		if (is_directory(stem))
			*is_dir = true;
		for (e = 0; exts[e]; e++) {
			char cand[PATH_MAX + 8];

			snprintf(cand, sizeof(cand), "%s%s", stem, exts[e]);
			if (is_file(cand) && realpath(cand, out) &&
			    strlen(out) < out_len)
				return true;
			if (is_directory(cand))
				*is_dir = true;
		}
	}
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * A libtool archive names its shared object in `dlname='libx.so.0'`; the
 * object sits beside it or in .libs/.  Writes its path into `out`.
 */
static int libtool_object(const char *la, char *out, size_t out_len, char *why,
			  size_t why_len)
{
	char line[1024], dlname[512] = "", dir[PATH_MAX], cand[PATH_MAX * 2];
	const char *slash;
	FILE *f = fopen(la, "re");

	if (!f) {
		snprintf(why, why_len, "%s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *q;

		if (strncmp(line, "dlname='", 8) != 0)
			continue;
		q = strchr(line + 8, '\'');
		if (q && (size_t)(q - (line + 8)) < sizeof(dlname)) {
			memcpy(dlname, line + 8, (size_t)(q - (line + 8)));
			dlname[q - (line + 8)] = '\0';
		}
		break;
	}
	fclose(f);
	if (!dlname[0]) {
		snprintf(why, why_len,
			 "libtool archive names no shared object (dlname)");
		return -1;
	}
	slash = strrchr(la, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - la) : 1,
		 slash ? la : ".");
	snprintf(cand, sizeof(cand), "%s/%s", dir, dlname);
	if (!is_file(cand))
		snprintf(cand, sizeof(cand), "%s/.libs/%s", dir, dlname);
	if (!is_file(cand) || strlen(cand) >= out_len) {
		snprintf(why, why_len,
			 "libtool archive names '%s', which is not there",
			 dlname);
		return -1;
	}
	snprintf(out, out_len, "%s", cand);
	return 0;
}

static const char *const lib_exts[] = { ".so", ".la", NULL };

/* Find a shared object and read its symbols; errors point at `loc`. */
static int open_object(struct build *b, const char *what, const char *name,
		       const char *env_var, const char *last_dir,
		       struct pyn_loc loc, char *path, size_t path_len,
		       struct pyn_elf_symbols *syms)
{
	char tried[PYN_ERROR_MESSAGE_MAX - 128], object[PATH_MAX * 2];
	char why[256];
	struct pyn_error e;
	bool is_dir;

	if (!find_file(name, b->m->dir, env_var, last_dir, lib_exts, path,
		       path_len, tried, sizeof(tried), &is_dir)) {
		if (is_dir)
			return fail_at(b, loc, PYN_ELOAD,
				       "%s '%s' is a directory", what, name);
		return fail_at(b, loc, PYN_ENOTFOUND,
			       "cannot find %s '%s': tried %s", what, name,
			       tried);
	}
	snprintf(object, sizeof(object), "%s", path);
	if (ends_with(path, ".la") &&
	    libtool_object(path, object, sizeof(object), why, sizeof(why)))
		return fail_at(b, loc, PYN_ELOAD, "cannot use %s '%s': %s",
			       what, name, why);
	if (pyn__elf_read(syms, object, &e))
		return fail_at(b, loc, e.code, "cannot use %s '%s': %s", what,
			       name, e.message);
	return 0;
}

/* `kind` function `sym` must be exported code of the library. */
static int check_function(struct build *b, const struct pyn_elf_symbols *syms,
			  const char *kind, const char *sym,
			  const char *library, struct pyn_loc loc)
{
	const struct pyn_elf_symbol *s = pyn__elf_find(syms, sym);

	if (!s)
		return fail_at(b, loc, PYN_ESYMBOL,
			       "%s '%s' not found in test library '%s'", kind,
			       sym, library);
	if (!s->is_function)
		return fail_at(
			b, loc, PYN_ESYMBOL,
			"%s '%s' in test library '%s' is data, not a function",
			kind, sym, library);
	return 0;
}

/* ---- Settings ------------------------------------------------------- */

/* The last setting of `chain` that says anything about the field at `off`. */
static const struct pyn_setting *pick(const struct pyn_settings *const *chain,
				      size_t n, size_t off)
{
	const struct pyn_setting *found = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pyn_setting *s =
			(const struct pyn_setting *)((const char *)chain[i] +
						     off);

		if (s->state != PYN_SETTING_UNSET)
			found = s;
	}
	return found;
}
#define PICK(chain, n, field)                                                  \
	pick((chain), (n), offsetof(struct pyn_settings, field))

struct resolved {
	struct pyn_limits limits;
	struct pyn_expect expect;
	unsigned retries;
	bool skip;
	const char *skip_reason;
};

/*
 * Final settings from the chain (defaults, suite, test, overrides...):
 * the manifest's last word wins, then the command line, then built-ins.
 * Limiter options merge key by key; `NAME: null` drops a limiter.
 */
static int resolve(struct build *b, const struct pyn_settings *const *chain,
		   size_t n, struct resolved *r)
{
	const struct pyn_plan_options *o = b->opt;
	const struct pyn_setting *s;
	struct pyn_option *opts = NULL;
	size_t n_opts = 0, cap = 0, i, j, k, m0;

	memset(r, 0, sizeof(*r));
	/* The C API's defaults (pyntest.h), which are the manifest's. */
	r->limits = (struct pyn_limits)PYN_LIMITS_INIT;
	r->limits.isolation = PYN__LIBRARY_ISOLATION;

	s = PICK(chain, n, wall_time);
	if (s)
		r->limits.wall_time_s =
			s->state == PYN_SETTING_SET ? s->seconds : 0;
	else if (o && o->wall_time_s > 0)
		r->limits.wall_time_s = o->wall_time_s;
	s = PICK(chain, n, cpu_time);
	if (s)
		r->limits.cpu_time_s =
			s->state == PYN_SETTING_SET ? s->seconds : 0;
	else if (o && o->cpu_time_s > 0)
		r->limits.cpu_time_s = o->cpu_time_s;
	s = PICK(chain, n, memory);
	if (s)
		r->limits.memory_bytes =
			s->state == PYN_SETTING_SET ? s->bytes : 0;
	else if (o && o->memory_bytes > 0)
		r->limits.memory_bytes = o->memory_bytes;
	s = PICK(chain, n, output_limit);
	if (s && s->state == PYN_SETTING_SET)
		r->limits.output_limit = (size_t)s->bytes;
	s = PICK(chain, n, terminate_child_processes);
	if (s && s->state == PYN_SETTING_SET)
		r->limits.terminate_child_processes = s->flag;
	/* --isolation overrides the manifest (SPEC §4). */
	s = PICK(chain, n, isolation);
	if (o && o->isolation != PYN_ISOLATION_DEFAULT)
		r->limits.isolation = o->isolation;
	else if (s && s->state == PYN_SETTING_SET)
		r->limits.isolation = (enum pyn_isolation)s->number;
	s = PICK(chain, n, retries);
	if (s)
		r->retries =
			s->state == PYN_SETTING_SET ? (unsigned)s->number : 0;
	else if (o && o->retries > 0)
		r->retries = (unsigned)o->retries;
	s = PICK(chain, n, expect);
	r->expect.kind = PYN_EXPECT_OUTCOME;
	r->expect.outcome = PYN_OUTCOME_PASS;
	if (s && s->state == PYN_SETTING_SET)
		r->expect = s->expect;
	s = PICK(chain, n, skip);
	if (s && s->state == PYN_SETTING_SET && s->flag) {
		r->skip = true;
		r->skip_reason = s->text;
	}

	for (i = 0; i < n; i++) {
		for (j = 0; j < chain[i]->n_limiters; j++) {
			const struct pyn_limiter_config *l =
				&chain[i]->limiters[j];

			if (l->removed) {
				size_t w = 0;

				for (k = 0; k < n_opts; k++)
					if (strcmp(opts[k].limiter, l->name))
						opts[w++] = opts[k];
				n_opts = w;
				continue;
			}
			/*
			 * `NAME: {}` still configures the limiter: keep a
			 * key-less entry, which the engine counts as
			 * `configured` and hands no option for.
			 */
			if (!l->n_options) {
				for (m0 = 0; m0 < n_opts; m0++)
					if (!strcmp(opts[m0].limiter, l->name))
						break;
				if (m0 == n_opts) {
					if (n_opts == cap) {
						size_t nc = cap ? cap * 2 : 4;
						struct pyn_option *no = realloc(
							opts, nc * sizeof(*no));

						if (!no) {
							free(opts);
							return nomem(b);
						}
						opts = no;
						cap = nc;
					}
					memset(&opts[n_opts], 0, sizeof(*opts));
					opts[n_opts++].limiter = l->name;
				}
				continue;
			}
			for (k = 0; k < l->n_options; k++) {
				const struct pyn_limiter_option *lo =
					&l->options[k];
				size_t m;

				for (m = 0; m < n_opts; m++)
					if (!strcmp(opts[m].limiter, l->name) &&
					    opts[m].option.key &&
					    !strcmp(opts[m].option.key,
						    lo->key))
						break;
				if (m == n_opts) {
					if (n_opts == cap) {
						size_t nc = cap ? cap * 2 : 4;
						struct pyn_option *no = realloc(
							opts, nc * sizeof(*no));

						if (!no) {
							free(opts);
							return nomem(b);
						}
						opts = no;
						cap = nc;
					}
					n_opts++;
				}
				opts[m].limiter = l->name;
				opts[m].option = *lo;
			}
		}
	}
	if (n_opts) {
		struct pyn_option *out =
			arena_alloc(&b->plan->arena, n_opts * sizeof(*out));

		if (!out) {
			free(opts);
			return nomem(b);
		}
		/* Copy the strings: the plan outlives the manifests. */
		for (i = 0; i < n_opts; i++) {
			out[i].limiter = adup(b, opts[i].limiter);
			out[i].option = opts[i].option;
			if (!opts[i].option.key) {
				/* A key-less `NAME: {}` entry. */
				if (!out[i].limiter) {
					free(opts);
					return nomem(b);
				}
				continue;
			}
			out[i].option.key = adup(b, opts[i].option.key);
			out[i].option.value = adup(b, opts[i].option.value);
			out[i].option.file = adup(b, opts[i].option.file);
			if (!out[i].limiter || !out[i].option.key ||
			    !out[i].option.value ||
			    (opts[i].option.file && !out[i].option.file)) {
				free(opts);
				return nomem(b);
			}
		}
		r->limits.options = out;
		r->limits.n_options = n_opts;
	}
	free(opts);
	return 0;
}

/* Hand every limiter option of one level to the runner's check. */
static int validate_limiters(struct build *b, const struct pyn_settings *st)
{
	size_t i, j;

	if (!b->opt || !b->opt->validate_option)
		return 0;
	for (i = 0; i < st->n_limiters; i++) {
		const struct pyn_limiter_config *l = &st->limiters[i];
		struct pyn_error e = { 0 };

		if (b->opt->validate_option(b->opt->user, l->name, NULL, &e)) {
			if (!e.message[0])
				snprintf(e.message, sizeof(e.message),
					 "unknown limiter '%s'", l->name);
			return fail_at(b, l->loc,
				       e.code ? e.code : PYN_EMANIFEST, "%s",
				       e.message);
		}
		for (j = 0; j < l->n_options; j++) {
			const struct pyn_limiter_option *lo = &l->options[j];
			/* No place in `e`: the key is what is wrong. */
			struct pyn_loc loc = { lo->line, lo->column };

			if (l->key_locs)
				loc = l->key_locs[j];

			memset(&e, 0, sizeof(e));
			if (!b->opt->validate_option(b->opt->user, l->name, lo,
						     &e))
				continue;
			if (!e.message[0])
				snprintf(e.message, sizeof(e.message),
					 "bad option '%s' of limiter '%s'",
					 lo->key, l->name);
			if (e.line) {
				if (b->err)
					*b->err = e;
				return e.code ? e.code : PYN_EMANIFEST;
			}
			return fail_at(b, loc, e.code ? e.code : PYN_EMANIFEST,
				       "%s", e.message);
		}
	}
	return 0;
}

/* ---- Tests ---------------------------------------------------------- */

struct suite_ctx {
	const struct pyn_manifest_suite *s;
	const char *library; /* resolved, arena */
	const char *program; /* resolved, arena */
	const char *cwd; /* resolved, arena */
	const char *const *env;
	const char *const *args;
	const char *const *cunit_register;
};

/*
 * Add a test to the plan.  `test` is its manifest entry, or NULL for
 * discovered and imported tests (which only overrides configure).
 */
static int add_test(struct build *b, const struct suite_ctx *sc,
		    const char *suite, const char *name, const char *symbol,
		    const struct pyn_manifest_test *test, struct pyn_loc loc,
		    enum pyn_task_kind kind, const char *cunit_suite)
{
	const struct pyn_manifest_suite *s = sc->s;
	const struct pyn_settings *chain_small[8];
	const struct pyn_settings **chain = chain_small;
	struct pyn_plan *plan = b->plan;
	struct pyn_plan_test *t;
	struct resolved r;
	size_t n = 0, i, first, len;
	char *id;
	int rc;

	len = strlen(suite) + strlen(name) + 2;
	id = arena_alloc(&plan->arena, len);
	if (!id)
		return nomem(b);
	snprintf(id, len, "%s.%s", suite, name);

	if (3 + s->n_overrides > 8) {
		chain = malloc((3 + s->n_overrides) * sizeof(*chain));
		if (!chain)
			return nomem(b);
	}
	chain[n++] = &b->m->defaults;
	chain[n++] = &s->settings;
	if (test)
		chain[n++] = &test->settings;
	for (i = 0; i < s->n_overrides; i++)
		if (fnmatch(s->overrides[i].match, id, 0) == 0)
			chain[n++] = &s->overrides[i].settings;
	rc = resolve(b, chain, n, &r);
	if (chain != chain_small)
		free(chain);
	if (rc)
		return rc;

	if (plan->n_tests == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct pyn_plan_test *tests =
			realloc(plan->tests, cap * sizeof(*tests));

		if (!tests)
			return nomem(b);
		plan->tests = tests;
		b->cap = cap;
	}
	rc = pyn__strset_add(&b->ids, id, plan->n_tests, &first);
	if (rc < 0)
		return nomem(b);
	if (rc == 0) {
		const struct pyn_plan_test *f = &plan->tests[first];

		if (strcmp(f->manifest, b->m->path) == 0)
			return fail_at(
				b, loc, PYN_EMANIFEST,
				"duplicate test id '%s' (first at line %u)", id,
				f->line);
		return fail_at(b, loc, PYN_EMANIFEST,
			       "duplicate test id '%s' (first in %s:%u)", id,
			       f->manifest, f->line);
	}
	t = &plan->tests[plan->n_tests++];
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->suite = aintern(b, suite);
	t->name = adup(b, name);
	t->manifest = aintern(b, b->m->path);
	t->file = t->manifest;
	t->line = loc.line;
	t->column = loc.column;
	t->limits = r.limits;
	t->expect = r.expect;
	t->retries = r.retries;
	t->skip = r.skip;
	t->skip_reason = aintern(b, r.skip_reason);
	t->task.kind = kind;
	t->task.name = t->id;
	t->task.library = sc->library;
	t->task.symbol = adup(b, symbol);
	t->task.cwd = sc->cwd;
	t->task.env = sc->env;
	t->task.n_env = s->n_env;
	if (kind == PYN_TASK_SYMBOL) {
		t->task.setup = aintern(b, s->setup);
		t->task.teardown = aintern(b, s->teardown);
	} else {
		t->task.cunit_info = aintern(b, s->cunit);
		t->task.cunit_register = sc->cunit_register;
		t->task.n_cunit_register = s->n_cunit_register;
		t->task.cunit_suite = aintern(b, cunit_suite);
		t->task.cunit_test = t->name;
	}
	if (sc->program) {
		t->program = (char *)sc->program;
		t->args = (char **)sc->args;
		t->n_args = s->n_args;
		t->task.program = sc->program;
		t->task.args = sc->args;
		t->task.n_args = s->n_args;
	}
	if (!t->suite || !t->name || !t->manifest ||
	    (symbol && !t->task.symbol) || (s->setup && !t->task.setup) ||
	    (s->teardown && !t->task.teardown) ||
	    (r.skip_reason && !t->skip_reason))
		return nomem(b);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* `discover: GLOB`: exported functions matching, by name. */
static int discover(struct build *b, const struct suite_ctx *sc,
		    const struct pyn_elf_symbols *syms)
{
	const struct pyn_manifest_suite *s = sc->s;
	struct pyn__strset explicit_names = { 0 };
	const char **names;
	size_t n = 0, i;
	int rc = 0;

	names = calloc(syms->n_symbols + 1, sizeof(*names));
	if (!names)
		return nomem(b);
	for (i = 0; i < s->n_tests; i++) {
		if (pyn__strset_add(&explicit_names, s->tests[i].name, i,
				    NULL) < 0 ||
		    pyn__strset_add(&explicit_names, s->tests[i].function, i,
				    NULL) < 0) {
			rc = nomem(b);
			goto out;
		}
	}
	for (i = 0; i < syms->n_symbols; i++) {
		const struct pyn_elf_symbol *sym = &syms->symbols[i];

		if (!sym->is_function || fnmatch(s->discover, sym->name, 0))
			continue;
		if ((s->setup && !strcmp(sym->name, s->setup)) ||
		    (s->teardown && !strcmp(sym->name, s->teardown)))
			continue;
		if (pyn__strset_get(&explicit_names, sym->name, NULL))
			continue;
		names[n++] = sym->name;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		/* Versioned symbols can appear twice. */
		if (i && !strcmp(names[i], names[i - 1]))
			continue;
		rc = add_test(b, sc, s->name, names[i], names[i], NULL,
			      s->discover_loc, PYN_TASK_SYMBOL, NULL);
		if (rc)
			goto out;
	}
out:
	pyn__strset_release(&explicit_names);
	free(names);
	return rc;
}

/* Where an imported suite's tests come from, for messages. */
static struct pyn_loc import_loc(const struct pyn_manifest_suite *s)
{
	if (s->program)
		return s->program_loc;
	if (s->cunit)
		return s->cunit_loc;
	return s->n_cunit_register ? s->cunit_register_locs[0] : s->loc;
}

static int import_cunit(struct build *b, const struct suite_ctx *sc)
{
	const struct pyn_manifest_suite *s = sc->s;
	const struct pyn_settings *chain[2] = { &b->m->defaults, &s->settings };
	struct pyn_plan_source src = { 0 };
	struct pyn_plan_case *cases = NULL;
	struct pyn_error e = { 0 };
	struct resolved r;
	size_t n_cases = 0, i;
	int rc;

	if (!b->opt || !b->opt->enumerate)
		return fail_at(
			b, import_loc(s), PYN_EMANIFEST,
			"cannot list the tests of suite '%s': importing CUnit tests needs the runner",
			s->name);
	rc = resolve(b, chain, 2, &r);
	if (rc)
		return rc;
	src.suite = s->name;
	src.library = sc->library;
	src.cunit_info = s->cunit;
	src.cunit_register = sc->cunit_register;
	src.n_cunit_register = s->n_cunit_register;
	src.program = sc->program;
	src.args = sc->args;
	src.n_args = s->n_args;
	src.cwd = sc->cwd;
	src.env = sc->env;
	src.n_env = s->n_env;
	src.limits = &r.limits;
	rc = b->opt->enumerate(b->opt->user, &src, &cases, &n_cases, &e);
	if (rc) {
		if (e.line && b->err) {
			*b->err = e;
			rc = e.code ? e.code : PYN_EMANIFEST;
		} else {
			rc = fail_at(b, import_loc(s),
				     e.code ? e.code : PYN_EMANIFEST,
				     "cannot list the tests of suite '%s': %s",
				     s->name,
				     e.message[0] ? e.message :
						    "enumeration failed");
		}
		goto out;
	}
	for (i = 0; i < n_cases; i++) {
		if (!cases[i].suite || !cases[i].test) {
			rc = fail_at(
				b, import_loc(s), PYN_EMANIFEST,
				"cannot list the tests of suite '%s': a test without a name",
				s->name);
			goto out;
		}
		rc = add_test(b, sc, cases[i].suite, cases[i].test, NULL, NULL,
			      import_loc(s), PYN_TASK_CUNIT, cases[i].suite);
		if (rc)
			goto out;
	}
out:
	for (i = 0; i < n_cases; i++) {
		free(cases[i].suite);
		free(cases[i].test);
	}
	free(cases);
	return rc;
}

/* Copy a string array into the arena. */
static const char *const *adup_array(struct build *b, char *const *src,
				     size_t n)
{
	char **out;
	size_t i;

	if (!n)
		return NULL;
	out = arena_alloc(&b->plan->arena, n * sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0; i < n; i++) {
		out[i] = adup(b, src[i]);
		if (!out[i])
			return NULL;
	}
	return (const char *const *)out;
}

static int expand_suite(struct build *b, const struct pyn_manifest_suite *s)
{
	struct pyn_elf_symbols syms = { 0 };
	struct suite_ctx sc = { .s = s };
	char path[PATH_MAX];
	size_t i, first;
	int rc;

	rc = pyn__strset_add(&b->suites, s->name, 0, &first);
	if (rc < 0)
		return nomem(b);
	if (rc == 0)
		return fail_at(
			b, s->loc, PYN_EMANIFEST,
			"duplicate suite name '%s' (also in an earlier manifest)",
			s->name);

	rc = validate_limiters(b, &s->settings);
	for (i = 0; !rc && i < s->n_tests; i++)
		rc = validate_limiters(b, &s->tests[i].settings);
	for (i = 0; !rc && i < s->n_overrides; i++)
		rc = validate_limiters(b, &s->overrides[i].settings);
	if (rc)
		return rc;

	if ((s->n_env && !(sc.env = adup_array(b, s->env, s->n_env))) ||
	    (s->n_args && !(sc.args = adup_array(b, s->args, s->n_args))) ||
	    (s->n_cunit_register &&
	     !(sc.cunit_register =
		       adup_array(b, s->cunit_register, s->n_cunit_register))))
		return nomem(b);
	if (s->cwd) {
		char joined[PATH_MAX * 2];
		struct stat st;

		if (s->cwd[0] == '/')
			snprintf(joined, sizeof(joined), "%s", s->cwd);
		else
			snprintf(joined, sizeof(joined), "%s/%s", b->m->dir,
				 s->cwd);
		if (stat(joined, &st) < 0 || !S_ISDIR(st.st_mode) ||
		    !realpath(joined, path))
			return fail_at(b, s->cwd_loc, PYN_ENOTFOUND,
				       "cannot use cwd '%s': no such directory",
				       s->cwd);
		sc.cwd = adup(b, path);
		if (!sc.cwd)
			return nomem(b);
	}
	if (s->program) {
		char tried[512];
		static const char *const none[] = { NULL };
		bool is_dir;

		if (!find_file(s->program, b->m->dir, NULL, NULL, none, path,
			       sizeof(path), tried, sizeof(tried), &is_dir)) {
			if (is_dir)
				return fail_at(
					b, s->program_loc, PYN_ELOAD,
					"test program '%s' is a directory",
					s->program);
			return fail_at(
				b, s->program_loc, PYN_ENOTFOUND,
				"cannot find test program '%s': tried %s",
				s->program, tried);
		}
		if (access(path, X_OK) < 0)
			return fail_at(
				b, s->program_loc, PYN_ELOAD,
				"cannot use test program '%s': not executable",
				s->program);
		sc.program = adup(b, path);
		if (!sc.program)
			return nomem(b);
		return import_cunit(b, &sc);
	}

	rc = open_object(b, "test library", s->library, "PYNTEST_LIBRARY_PATH",
			 NULL, s->library_loc, path, sizeof(path), &syms);
	if (rc)
		return rc;
	sc.library = adup(b, path);
	if (!sc.library) {
		rc = nomem(b);
		goto out;
	}
	if (s->setup)
		rc = check_function(b, &syms, "setup function", s->setup,
				    s->library, s->setup_loc);
	if (!rc && s->teardown)
		rc = check_function(b, &syms, "teardown function", s->teardown,
				    s->library, s->teardown_loc);
	for (i = 0; !rc && i < s->n_cunit_register; i++)
		rc = check_function(b, &syms, "registration function",
				    s->cunit_register[i], s->library,
				    s->cunit_register_locs[i]);
	if (!rc && s->cunit) {
		const struct pyn_elf_symbol *sym =
			pyn__elf_find(&syms, s->cunit);

		if (!sym)
			rc = fail_at(
				b, s->cunit_loc, PYN_ESYMBOL,
				"CUnit suite array '%s' not found in test library '%s'",
				s->cunit, s->library);
		else if (sym->is_function)
			rc = fail_at(
				b, s->cunit_loc, PYN_ESYMBOL,
				"'%s' in test library '%s' is a function, not a CU_SuiteInfo[] array",
				s->cunit, s->library);
	}
	for (i = 0; !rc && i < s->n_tests; i++) {
		const struct pyn_manifest_test *t = &s->tests[i];

		rc = check_function(b, &syms, "test function", t->function,
				    s->library, t->function_loc);
		if (!rc)
			rc = add_test(b, &sc, s->name, t->name, t->function, t,
				      t->loc, PYN_TASK_SYMBOL, NULL);
	}
	if (!rc && s->discover)
		rc = discover(b, &sc, &syms);
	if (!rc && (s->cunit || s->n_cunit_register))
		rc = import_cunit(b, &sc);
out:
	pyn__elf_release(&syms);
	return rc;
}

static int add_plugins(struct build *b)
{
	const struct pyn_manifest *m = b->m;
	struct pyn_plan *plan = b->plan;
	size_t i;
	int rc;

	for (i = 0; i < m->n_plugins; i++) {
		struct pyn_elf_symbols syms = { 0 };
		const struct pyn_elf_symbol *entry = NULL;
		char path[PATH_MAX];
		char **plugins;
		size_t j;
		char *copy;

		rc = open_object(b, "plug-in", m->plugins[i],
				 "PYNTEST_PLUGIN_PATH",
				 b->opt ? b->opt->plugin_dir : NULL,
				 m->plugin_locs[i], path, sizeof(path), &syms);
		if (rc)
			return rc;
		for (j = 0; j < syms.n_symbols; j++) {
			const struct pyn_elf_symbol *s = &syms.symbols[j];

			if (s->is_function &&
			    (!strcmp(s->name, "pyn_limiter_init") ||
			     ends_with(s->name, "_LTX_pyn_limiter_init")))
				entry = s;
		}
		pyn__elf_release(&syms);
		if (!entry)
			return fail_at(
				b, m->plugin_locs[i], PYN_EABI,
				"cannot use plug-in '%s': it exports no 'pyn_limiter_init'",
				m->plugins[i]);
		copy = adup(b, path);
		if (!copy)
			return nomem(b);
		rc = pyn__strset_add(&b->dedup, copy, 0, NULL);
		if (rc < 0)
			return nomem(b);
		if (rc == 0)
			continue;
		plugins = arena_alloc(&plan->arena,
				      (plan->n_plugins + 1) * sizeof(*plugins));
		if (!plugins)
			return nomem(b);
		if (plan->n_plugins)
			memcpy(plugins, plan->plugins,
			       plan->n_plugins * sizeof(*plugins));
		plugins[plan->n_plugins++] = copy;
		plan->plugins = plugins;
	}
	return 0;
}

/* ---- Selection ------------------------------------------------------ */

static bool selected(const struct pyn_plan_options *o, const char *id)
{
	bool positive = false, matched = false;
	size_t i;

	if (!o)
		return true;
	for (i = 0; i < o->n_filters; i++) {
		const char *f = o->filters[i];

		if (f[0] == '!') {
			if (fnmatch(f + 1, id, 0) == 0)
				return false;
			continue;
		}
		positive = true;
		if (fnmatch(f, id, 0) == 0)
			matched = true;
	}
	if (positive && !matched)
		return false;
	if (o->shard_count > 1 &&
	    pyn__fnv1a64(id) % o->shard_count != o->shard_index)
		return false;
	return true;
}

static int select_tests(struct build *b)
{
	struct pyn_plan *plan = b->plan;
	struct pyn__strset seen = { 0 };
	size_t i, w = 0;
	char **suites;

	for (i = 0; i < plan->n_tests; i++)
		if (selected(b->opt, plan->tests[i].id))
			plan->tests[w++] = plan->tests[i];
	plan->n_tests = w;
	suites = arena_alloc(&plan->arena, (w + 1) * sizeof(*suites));
	if (!suites)
		return nomem(b);
	/* Give back the slack of the doubling array. */
	if (w && w < b->cap) {
		struct pyn_plan_test *fit =
			realloc(plan->tests, w * sizeof(*fit));

		if (fit) {
			plan->tests = fit;
			b->cap = w;
		}
	}
	for (i = 0; i < w; i++) {
		int rc;

		plan->tests[i].order = i;
		rc = pyn__strset_add(&seen, plan->tests[i].suite, i, NULL);
		if (rc < 0) {
			pyn__strset_release(&seen);
			return nomem(b);
		}
		if (rc)
			suites[plan->n_suites++] = plan->tests[i].suite;
	}
	plan->suites = suites;
	pyn__strset_release(&seen);
	return 0;
}

int pyn_plan_build(struct pyn_plan *plan, struct pyn_manifest *const *manifests,
		   size_t n_manifests, const struct pyn_plan_options *options,
		   struct pyn_error *err)
{
	struct build b = { .plan = plan, .opt = options, .err = err };
	size_t i, j;
	int rc = 0;

	memset(plan, 0, sizeof(*plan));
	if (options && options->shard_count &&
	    options->shard_index >= options->shard_count)
		return pyn_error_set(
			err, PYN_EUSAGE, NULL, 0, 0,
			"bad shard %u/%u: the index must be below the count",
			options->shard_index, options->shard_count);
	for (i = 0; !rc && i < n_manifests; i++) {
		b.m = manifests[i];
		rc = validate_limiters(&b, &b.m->defaults);
		if (!rc)
			rc = add_plugins(&b);
		for (j = 0; !rc && j < b.m->n_suites; j++)
			rc = expand_suite(&b, &b.m->suites[j]);
	}
	b.m = NULL;
	if (!rc)
		rc = select_tests(&b);
	pyn__strset_release(&b.ids);
	pyn__strset_release(&b.suites);
	pyn__strset_release(&b.dedup);
	pyn__strset_release(&b.interned);
	if (rc)
		pyn_plan_release(plan);
	return rc;
}

void pyn_plan_release(struct pyn_plan *plan)
{
	if (!plan)
		return;
	free(plan->tests);
	arena_free(plan->arena);
	memset(plan, 0, sizeof(*plan));
}
