/* SPDX-License-Identifier: MIT */
/*
 * runner/plugins.c - the plug-ins the manifests load (`plugins:`), found
 * and put into the registry before the plan is built, and the plan's
 * check of limiter options.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "config/elf.h"
#include "host/loader.h"
#include "host/registry.h"
#include "engine/engine.h"
#include "runner/main_internal.h"

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

/*
 * Plug-ins named by the manifests go into the registry before the plan
 * is built, so their options can be validated by their own code.
 */
int pyn__plugins_load(struct pyn_manifest *const *ms, size_t n,
		      struct pyn_error *err)
{
	if (pyn__module_dir(module_dir, sizeof(module_dir)))
		module_dir[0] = '\0';
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

const char *pyn__plugins_dir(void)
{
	return module_dir;
}

/* The plan's check of `limiters: {NAME: {KEY: VALUE}}`: the C API's. */
int pyn__plan_option_check(void *user, const char *limiter,
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
