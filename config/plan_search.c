/* SPDX-License-Identifier: MIT */
/*
 * config/plan_search.c - finding files on disk: test libraries and
 * plug-ins on their search paths (the manifest's folder, then
 * PYNTEST_LIBRARY_PATH or PYNTEST_PLUGIN_PATH, then pyntest's module
 * folder for a bare plug-in name), libtool archives, test programs and
 * working folders.
 *
 * Finds and names; never reads what it found (plan_resolve.c does).
 * Uses the build's errors (plan_arena.c) and config/util.h.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/suggest.h"
#include "config/plan_internal.h"

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * A candidate that is there but is no regular file: say what it is in
 * `odd` (the first one found wins), so the user is not told "cannot
 * find" about a file they can see.
 */
static void note_odd(const char *path, const char *shown, char *odd, size_t len)
{
	const char *kind = NULL;
	char why[128];
	struct stat st;

	if (odd[0])
		return;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return;
		if (errno == ELOOP)
			kind = "is a symbolic link loop";
		else
			snprintf(why, sizeof(why), "cannot be reached: %s",
				 strerror(errno));
	} else if (S_ISREG(st.st_mode)) {
		return;
	} else if (S_ISDIR(st.st_mode)) {
		kind = "is a directory";
		shown = NULL; /* as it always said */
	} else if (S_ISCHR(st.st_mode)) {
		kind = "is a character device, not a file";
	} else if (S_ISBLK(st.st_mode)) {
		kind = "is a block device, not a file";
	} else if (S_ISFIFO(st.st_mode)) {
		kind = "is a FIFO (named pipe), not a file";
	} else if (S_ISSOCK(st.st_mode)) {
		kind = "is a socket, not a file";
	} else {
		kind = "is not a regular file";
	}
	/* Cut to fit, as every message is. */
	if (shown &&
	    snprintf(odd, len, "%s (%s)", kind ? kind : why, shown) < 0)
		odd[0] = '\0';
	else if (!shown && snprintf(odd, len, "%s", kind ? kind : why) < 0)
		odd[0] = '\0';
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
 * `*is_dir` is set when no file was found but a candidate is a directory:
 * "not found" would send the user looking for the wrong thing.
 */
bool pyn__find_file(const char *name, const char *base, const char *env_var,
		    const char *last_dir, const char *const *exts, char *out,
		    size_t out_len, char *tried, size_t tried_len, char *odd,
		    size_t odd_len)
{
	const char *env = env_var ? getenv(env_var) : NULL;
	char dirs_buf[PATH_MAX * 2];
	const char *dirs[64];
	size_t n_dirs = 0, i, e;
	char *save = NULL, *tok;

	odd[0] = '\0';
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
		note_odd(stem, NULL, odd, odd_len);
		for (e = 0; exts[e]; e++) {
			char cand[PATH_MAX + 8];

			snprintf(cand, sizeof(cand), "%s%s", stem, exts[e]);
			if (is_file(cand) && realpath(cand, out) &&
			    strlen(out) < out_len)
				return true;
			note_odd(cand, cand, odd, odd_len);
		}
	}
	return false;
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

#define NEAR_NAMES 512 /* object names looked at for a suggestion */

struct near_names {
	char *names[NEAR_NAMES];
	size_t n;
};

/* Names of the shared objects in `dir`, without .so or .la. */
static void collect_names(struct near_names *nn, const char *dir)
{
	DIR *d = dir && *dir ? opendir(dir) : NULL;
	struct dirent *ent;

	while (d && (ent = readdir(d)) && nn->n < NEAR_NAMES) {
		size_t len = strlen(ent->d_name);

		if (len > 3 && (pyn__str_ends_with(ent->d_name, ".so") ||
				pyn__str_ends_with(ent->d_name, ".la"))) {
			nn->names[nn->n] = strndup(ent->d_name, len - 3);
			nn->n += nn->names[nn->n] != NULL;
		}
	}
	if (d)
		closedir(d);
}

static const char *near_name(void *user, size_t i)
{
	struct near_names *nn = user;

	return i < nn->n ? nn->names[i] : NULL;
}

/*
 * "did you mean 'max_stack'?": the closest object name in the folders
 * searched (the manifest's, $env_var's, `last_dir`), into `out`.
 */
static bool suggest_object(const char *name, const char *base,
			   const char *env_var, const char *last_dir, char *out,
			   size_t out_len)
{
	struct near_names nn = { .n = 0 };
	const char *env = env_var ? getenv(env_var) : NULL, *hint;
	char *copy, *save = NULL, *dir;

	if (strchr(name, '/'))
		return false;
	copy = env ? strdup(env) : NULL;
	collect_names(&nn, base);
	for (dir = copy ? strtok_r(copy, ":", &save) : NULL; dir;
	     dir = strtok_r(NULL, ":", &save))
		collect_names(&nn, dir);
	collect_names(&nn, last_dir);
	hint = pyn__suggest_in(name, near_name, &nn);
	if (hint)
		snprintf(out, out_len, "%s", hint);
	for (size_t i = 0; i < nn.n; i++)
		free(nn.names[i]);
	free(copy);
	return hint != NULL;
}

int pyn__find_object(struct pyn__build *b, const char *what, const char *name,
		     const char *env_var, const char *last_dir,
		     struct pyn_loc loc, char *path, size_t path_len,
		     char *object, size_t object_len)
{
	char tried[PYN_ERROR_MESSAGE_MAX - 128];
	char why[256], odd[PATH_MAX + 64];

	if (!pyn__find_file(name, b->m->dir, env_var, last_dir, lib_exts, path,
			    path_len, tried, sizeof(tried), odd, sizeof(odd))) {
		if (odd[0])
			return pyn__build_fail_at(b, loc, PYN_ELOAD,
						  "%s '%s' %s", what, name,
						  odd);
		if (suggest_object(name, b->m->dir, env_var, last_dir, why,
				   sizeof(why)))
			return pyn__build_fail_at(
				b, loc, PYN_ENOTFOUND,
				"cannot find %s '%s' (did you mean '%s'?): tried %s",
				what, name, why, tried);
		return pyn__build_fail_at(b, loc, PYN_ENOTFOUND,
					  "cannot find %s '%s': tried %s", what,
					  name, tried);
	}
	snprintf(object, object_len, "%s", path);
	if (pyn__str_ends_with(path, ".la") &&
	    libtool_object(path, object, object_len, why, sizeof(why)))
		return pyn__build_fail_at(b, loc, PYN_ELOAD,
					  "cannot use %s '%s': %s", what, name,
					  why);
	return 0;
}

int pyn__find_program(struct pyn__build *b, const struct pyn_manifest_suite *s,
		      char *path, size_t path_len)
{
	static const char *const none[] = { NULL };
	char tried[512], odd[PATH_MAX + 64];

	if (!pyn__find_file(s->program, b->m->dir, NULL, NULL, none, path,
			    path_len, tried, sizeof(tried), odd, sizeof(odd))) {
		if (odd[0])
			return pyn__build_fail_at(b, s->program_loc, PYN_ELOAD,
						  "test program '%s' %s",
						  s->program, odd);
		return pyn__build_fail_at(
			b, s->program_loc, PYN_ENOTFOUND,
			"cannot find test program '%s': tried %s", s->program,
			tried);
	}
	if (access(path, X_OK) < 0)
		return pyn__build_fail_at(
			b, s->program_loc, PYN_ELOAD,
			"cannot use test program '%s': not executable",
			s->program);
	return 0;
}

int pyn__find_cwd(struct pyn__build *b, const struct pyn_manifest_suite *s,
		  char *path)
{
	char joined[PATH_MAX * 2];
	struct stat st;

	if (s->cwd[0] == '/')
		snprintf(joined, sizeof(joined), "%s", s->cwd);
	else
		snprintf(joined, sizeof(joined), "%s/%s", b->m->dir, s->cwd);
	if (stat(joined, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    !realpath(joined, path))
		return pyn__build_fail_at(
			b, s->cwd_loc, PYN_ENOTFOUND,
			"cannot use cwd '%s': no such directory", s->cwd);
	return 0;
}
