/* SPDX-License-Identifier: MIT */
/*
 * runner/limiters.c - `pyntest --limiters`: the limiters a manifest can
 * use here, the shipped plug-ins included, and how to load each.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/registry.h"
#include "runner/cli.h"

/* Load every shared object of `dir` as a plug-in; failures are skipped. */
static void load_dir(const char *dir)
{
	DIR *d = dir && *dir ? opendir(dir) : NULL;
	struct dirent *ent;

	while (d && (ent = readdir(d))) {
		char path[PATH_MAX];
		struct pyn_error e;
		size_t len = strlen(ent->d_name);

		if (len < 4 || strcmp(ent->d_name + len - 3, ".so") != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, ent->d_name) >=
		    (int)sizeof(path))
			continue;
		/* Not a plug-in, or one already known: nothing to list. */
		(void)pyn__registry_add_plugin(path, &e);
	}
	if (d)
		closedir(d);
}

/*
 * How a manifest names the plug-in at `path`: its bare name when it lies
 * in a folder pyntest searches by name, else the path itself.
 */
static void plugin_name(const char *path, const char *module_dir, char *out,
			size_t len)
{
	const char *env = getenv("PYNTEST_PLUGIN_PATH");
	const char *base = strrchr(path, '/');
	char dir[PATH_MAX], real[PATH_MAX], want[PATH_MAX];
	bool searched = false;

	snprintf(out, len, "%s", path);
	if (!base)
		return;
	snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
	if (!realpath(dir, real))
		return;
	if (module_dir && *module_dir && realpath(module_dir, want) &&
	    !strcmp(real, want))
		searched = true;
	for (const char *p = env; !searched && p && *p;) {
		size_t n = strcspn(p, ":");
		char one[PATH_MAX];

		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		if (n && realpath(one, want) && !strcmp(real, want))
			searched = true;
		p += n + (p[n] == ':');
	}
	if (!searched)
		return;
	snprintf(out, len, "%s", base + 1);
	if (strlen(out) > 3 && !strcmp(out + strlen(out) - 3, ".so"))
		out[strlen(out) - 3] = '\0';
}

void pyn__limiters_print(const char *module_dir, bool shipped)
{
	static const char *const words[] = { "wall_time", "cpu_time", "memory",
					     "process_tree", "other" };
	size_t n;

	if (shipped) {
		const char *env = getenv("PYNTEST_PLUGIN_PATH");
		char *copy = env ? strdup(env) : NULL, *save = NULL, *dir;

		for (dir = copy ? strtok_r(copy, ":", &save) : NULL; dir;
		     dir = strtok_r(NULL, ":", &save))
			load_dir(dir);
		free(copy);
		load_dir(module_dir);
	}
	n = pyn__registry_count();
	printf("%-16s %-24s %-12s %s\n", "LIMITER", "PROVIDES", "PROVIDER",
	       "SUPPORTED");
	for (size_t i = 0; i < n; i++) {
		const struct pyn__limiter_slot *s = pyn__registry_get(i);
		char provides[128] = "", name[PATH_MAX];
		size_t len = 0;

		for (unsigned b = 0; b < 5; b++)
			if (s->limiter->provides & (1u << b))
				len += (size_t)snprintf(
					provides + len, sizeof(provides) - len,
					"%s%s", len ? "," : "", words[b]);
		printf("%-16s %-24s %-12s %s%s\n", s->limiter->name,
		       provides[0] ? provides : "-",
		       s->provider[0] ? s->provider : "-",
		       s->supported ? "yes" : "no: ",
		       s->supported ? "" : s->why);
		if (s->supported && s->fallback[0])
			printf("%-16s   not its best here: %s\n", "",
			       s->fallback);
		if (s->builtin)
			continue;
		plugin_name(s->path, module_dir, name, sizeof(name));
		printf("%-16s   plug-in %s: 'plugins: [%s]'\n", "", s->path,
		       name);
	}
	printf("\nBuilt-in limiters need no loading.  A manifest loads a plug-in "
	       "with\n'plugins: [NAME]' and sets it under 'limiters: {LIMITER: "
	       "{...}}'\n(docs/limiters.md).\n");
}
