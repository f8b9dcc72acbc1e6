/* SPDX-License-Identifier: MIT */
/*
 * tests/objects/binding.c - how a test's library calls were bound, for
 * tests/e2e/prestart.py.  bd_report appends "binding now" or "binding
 * lazy" to the file named by $PS_LOG: whether the library's call slot of
 * getppid(), which no test runs, already holds libc's address (bound at
 * load) or still this library's own stub (bound at the first call).
 * Built twice: libpyn_fx_binding, and with PYN_FX_UNBINDABLE
 * libpyn_fx_binding_lazy, which calls a function defined nowhere (from
 * a function no test runs): it cannot be bound at load, only lazily.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FX __attribute__((visibility("default")))

FX int bd_uncalled(void);
int bd_uncalled(void)
{
	return (int)getppid();
}

#ifdef PYN_FX_UNBINDABLE
extern void pyn_fx_defined_nowhere(void);
FX void bd_unbindable(void);
void bd_unbindable(void)
{
	pyn_fx_defined_nowhere();
}
#endif

static const char *binding(void)
{
	const ElfW(Rela) *rel = NULL;
	const ElfW(Sym) *syms = NULL;
	const char *strs = NULL;
	struct link_map *lm = NULL;
	size_t size = 0, i;
	Dl_info self, to;
	const ElfW(Dyn) * d;

	if (!dladdr1((void *)binding, &self, (void **)&lm, RTLD_DL_LINKMAP) ||
	    !lm)
		return "unknown";
	for (d = lm->l_ld; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_JMPREL)
			rel = (const ElfW(Rela) *)d->d_un.d_ptr;
		else if (d->d_tag == DT_PLTRELSZ)
			size = d->d_un.d_val;
		else if (d->d_tag == DT_SYMTAB)
			syms = (const ElfW(Sym) *)d->d_un.d_ptr;
		else if (d->d_tag == DT_STRTAB)
			strs = (const char *)d->d_un.d_ptr;
	}
	for (i = 0; rel && syms && strs && i < size / sizeof(*rel); i++) {
		const char *name =
			strs + syms[ELF64_R_SYM(rel[i].r_info)].st_name;
		void **slot = (void **)(lm->l_addr + rel[i].r_offset);

		if (strcmp(name, "getppid") != 0)
			continue;
		if (!dladdr(*slot, &to))
			return "unknown";
		return to.dli_fbase == self.dli_fbase ? "lazy" : "now";
	}
	return "unknown";
}

/* Append `line` to the file named by $PS_LOG. */
static void say(const char *line)
{
	const char *path = getenv("PS_LOG");
	int fd = path ? open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			     0644) :
			-1;

	if (fd < 0)
		return;
	if (write(fd, line, strlen(line)) < 0)
		perror("write");
	close(fd);
}

FX void bd_report(void);
void bd_report(void)
{
	char line[64];

	snprintf(line, sizeof(line), "binding %s\n", binding());
	say(line);
}

/*
 * bd_ifunc: an IFUNC whose resolver reads $BD_IMPL, which the suite's
 * `env:` sets: the test's process must resolve it (after env: applies),
 * whatever process loaded the library.  Logs "ifunc a" or "ifunc b".
 */

static void impl_a(void)
{
	say("ifunc a\n");
}

static void impl_b(void)
{
	say("ifunc b\n");
}

/* used: clang does not count the ifunc attribute's reference. */
__attribute__((used)) static void (*resolve_impl(void))(void)
{
	const char *v = getenv("BD_IMPL");

	return v && v[0] == 'b' ? impl_b : impl_a;
}

FX void bd_ifunc(void) __attribute__((ifunc("resolve_impl")));
