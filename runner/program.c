/* SPDX-License-Identifier: MIT */
/*
 * runner/program.c - `pyntest PROGRAM [-- ARGS]`: a test program named on
 * the command line, as a one-suite manifest made in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/main_internal.h"

bool pyn__program_is_elf(const char *path)
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
		    pyn__program_is_elf(cli->manifests[i]))
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
int pyn__program_manifest(struct pyn_manifest **m, size_t index,
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
