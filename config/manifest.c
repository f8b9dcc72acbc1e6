/* SPDX-License-Identifier: MIT */
/*
 * config/manifest.c - the manifest reader's entry points: read the file,
 * validate the root mapping, free a manifest.
 *
 * Two passes: the tree (manifest_tree.c), then the validators
 * (manifest_settings.c for `defaults:`, manifest_suites.c for `suites:`,
 * manifest_checks.c for `plugins:`), which use only the layers named in
 * config/manifest_internal.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/manifest_internal.h"

/* Manifests larger than this are refused rather than read. */
#define MAX_MANIFEST_BYTES (256u << 20)

static int parse_root(struct pyn__manifest_ctx *c, const struct pyn__node *root)
{
	static const char *const keys[] = { "version", "defaults", "plugins",
					    "suites", NULL };
	struct pyn_loc start = { 1, 1 };
	bool have_suites = false;
	size_t i;
	int rc;

	if (!root || pyn__node_is_null(root))
		return pyn__manifest_fail_at(
			c, start, PYN_EMANIFEST,
			"manifest is empty; it needs 'suites'");
	if (root->kind != PYN__NODE_MAP)
		return pyn__node_fail(
			c, root,
			"a manifest must be a mapping with 'suites', not %s",
			pyn__node_kind_name(root));
	for (i = 0; i < root->n; i += 2) {
		const struct pyn__node *k = root->items[i],
				       *v = root->items[i + 1];

		rc = pyn__node_check_key(c, root, i, keys);
		if (rc) {
			if (!pyn__manifest_more(c, rc))
				return rc;
			if (k->kind == PYN__NODE_SCALAR &&
			    strcmp(k->value, "suites") == 0)
				have_suites = true; /* a repeated key */
			continue;
		}
		if (strcmp(k->value, "version") == 0) {
			/* Another version's grammar: no use reading on. */
			if (v->kind != PYN__NODE_SCALAR ||
			    strcmp(v->value, "1") != 0)
				return pyn__node_fail(
					c, v,
					"unsupported manifest version '%s'; only 1 is known",
					v->kind == PYN__NODE_SCALAR ?
						v->value :
						pyn__node_kind_name(v));
		} else if (strcmp(k->value, "defaults") == 0) {
			rc = pyn__defaults_parse(c, v);
		} else if (strcmp(k->value, "plugins") == 0) {
			rc = pyn__node_is_null(v) ?
				     0 :
				     pyn__node_strings(c, v, "plugins", true,
						       &c->m->plugins,
						       &c->m->plugin_locs,
						       &c->m->n_plugins);
		} else {
			have_suites = true;
			rc = pyn__suites_parse(c, v);
		}
		if (rc && !pyn__manifest_more(c, rc))
			return rc;
	}
	if (!have_suites)
		return pyn__node_fail(c, root, "manifest has no 'suites'");
	return 0;
}

void pyn_manifest_free(struct pyn_manifest *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n_suites; i++)
		pyn__suite_release(&m->suites[i]);
	free(m->suites);
	for (i = 0; i < m->n_plugins; i++)
		free(m->plugins[i]);
	free(m->plugins);
	free(m->plugin_locs);
	pyn__settings_release(&m->defaults);
	free(m->path);
	free(m->dir);
	free(m);
}

static int load_buffer(struct pyn_manifest **manifest, const char *data,
		       size_t len, const char *path, const char *dir,
		       struct pyn_error *err, struct pyn__error_list *errors);

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int pyn_manifest_load_buffer(struct pyn_manifest **manifest, const char *data,
			     size_t len, const char *path, const char *dir,
			     struct pyn_error *err)
{
	return load_buffer(manifest, data, len, path, dir, err, NULL);
}

static int load_buffer(struct pyn_manifest **manifest, const char *data,
		       size_t len, const char *path, const char *dir,
		       struct pyn_error *err, struct pyn__error_list *errors)
{
	struct pyn__manifest_ctx c = { .path = path,
				       .err = err,
				       .errors = errors };
	size_t before = errors ? errors->total : 0;
	struct pyn__node *root = NULL;
	int rc;

	*manifest = NULL;
	c.m = calloc(1, sizeof(*c.m));
	if (!c.m)
		return pyn__manifest_nomem(&c);
	c.m->version = 1;
	c.m->path = strdup(path);
	c.m->dir = dir ? strdup(dir) : dir_of(path);
	if (!c.m->path || !c.m->dir) {
		rc = pyn__manifest_nomem(&c);
		goto out;
	}
	rc = pyn__tree_parse(&c, data, len, &root);
	if (rc)
		goto out;
	rc = parse_root(&c, root);
	if (!rc && errors && errors->total > before)
		rc = PYN_EMANIFEST; /* every mistake was listed, then */
out:
	pyn__node_free(root);
	if (rc) {
		pyn_manifest_free(c.m);
		return rc;
	}
	*manifest = c.m;
	return 0;
}

int pyn_manifest_load_buffer_all(struct pyn_manifest **manifest,
				 const char *data, size_t len, const char *path,
				 const char *dir,
				 struct pyn__error_list *errors)
{
	struct pyn_error err = { 0 };
	size_t before = errors->total;
	int rc = load_buffer(manifest, data, len, path, dir, &err, errors);

	if (rc && errors->total == before)
		pyn__error_list_add(errors, &err); /* out of memory */
	pyn__error_list_sort(errors);
	return rc;
}

static int load_file(struct pyn_manifest **manifest, const char *path,
		     struct pyn_error *err, struct pyn__error_list *errors)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int fd, rc;

	*manifest = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pyn_error_set(err, PYN_EIO, NULL, 0, 0,
				     "cannot read manifest '%s': %s", path,
				     strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = pyn_error_set(err, PYN_EIO, NULL, 0, 0,
				   "cannot read manifest '%s': %s", path,
				   strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = pyn_error_set(err, PYN_EIO, NULL, 0, 0,
				   "cannot read manifest '%s': %s", path,
				   S_ISDIR(st.st_mode) ? "is a directory" :
							 "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > MAX_MANIFEST_BYTES) {
		rc = pyn_error_set(
			err, PYN_EIO, NULL, 0, 0,
			"cannot read manifest '%s': larger than %u MiB", path,
			MAX_MANIFEST_BYTES >> 20);
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		rc = pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				   "cannot read manifest '%s': out of memory",
				   path);
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t got = read(fd, data + len, (size_t)st.st_size - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = pyn_error_set(err, PYN_EIO, NULL, 0, 0,
					   "cannot read manifest '%s': %s",
					   path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	rc = load_buffer(manifest, data, len, path, NULL, err, errors);
out:
	free(data);
	close(fd);
	return rc;
}

int pyn_manifest_load(struct pyn_manifest **manifest, const char *path,
		      struct pyn_error *err)
{
	return load_file(manifest, path, err, NULL);
}

int pyn_manifest_load_all(struct pyn_manifest **manifest, const char *path,
			  struct pyn__error_list *errors)
{
	struct pyn_error err = { 0 };
	size_t before = errors->total;
	int rc = load_file(manifest, path, &err, errors);

	/* What stopped the reader before any check: a file or memory. */
	if (rc && errors->total == before)
		pyn__error_list_add(errors, &err);
	pyn__error_list_sort(errors); /* duplicates are found late */
	return rc;
}
