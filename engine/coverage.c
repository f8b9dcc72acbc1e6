/* SPDX-License-Identifier: MIT */
/*
 * engine/coverage.c - a test's coverage counters written at its end
 * (docs/instruments.md, "Coverage").
 *
 * A test's process ends with _exit(): no atexit handler and no
 * destructor runs, so neither gcov's runtime (`--coverage`) nor LLVM's
 * (`-fprofile-instr-generate`) would write what the test counted.  Both
 * runtimes are linked statically into each instrumented object (the
 * program and every shared library) with their entry points hidden:
 * `__gcov_dump` is not even linked unless the code calls it, and
 * `__llvm_profile_write_file` is not exported.  What every instrumented
 * object does have is its own exit function in its symbol table:
 * gcov's `__gcov_exit` (its destructor's call: writes this object's
 * counters, merged into the .gcda files under the runtime's lock) and
 * LLVM's `__llvm_profile_write_file` (writes to LLVM_PROFILE_FILE's
 * pattern, as at exit).  pyn__child_flush_coverage() finds them in each
 * loaded object's .symtab and calls them, as the process's exit would
 * have.  An object without a .symtab (stripped) is not instrumented as
 * far as this can tell.
 *
 * Found before the test runs (pyn__child_coverage_find(), which reads
 * files only of objects the loader says are instrumented, and of the
 * program when the test is a program's), called at its end
 * (pyn__child_coverage_flush(), nothing at all when nothing was found:
 * a test under a seccomp filter never meets a system call of ours).  A
 * fork server searches once, after loading, for all its children
 * (pyn__child_coverage_search()).
 *
 * Every offset read from a file is checked against its size: a corrupt
 * object gives no flush, never a crash.
 */
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <host/registry.h>

#include "harness.h"

#define MAX_FLUSH 64

/* What pyn__child_coverage_find() found, for the flush at the end. */
static struct found {
	void (*fn[MAX_FLUSH])(void);
	void (*start[MAX_FLUSH])(const char *);
	int n, n_start;
} found __attribute__((section(".data")));
static bool scan_program, searched __attribute__((section(".data")));

/*
 * The runtimes' functions in each object: called at the test's start
 * (AT_START) or at its end.  LLVM's file name is made once, when its
 * object loads: `%p` would be the fork server's pid in each of its
 * children, which would then write over one another; made again in the
 * test's own process, it is the test's: LLVM's runtime parses a name
 * again only when it changes, hence the two calls.
 */
#define AT_START 1
static const struct {
	const char *name;
	int when;
} runtime_fns[] = {
	{ "__gcov_exit", 0 },
	{ "__llvm_profile_write_file", 0 },
	{ "__llvm_profile_set_filename", AT_START },
};

#define N_FNS (sizeof(runtime_fns) / sizeof(runtime_fns[0]))

static void add(struct found *out, int when, void *fn)
{
	if (when == AT_START && out->n_start < MAX_FLUSH)
		*(void **)&out->start[out->n_start++] = fn;
	else if (when != AT_START && out->n < MAX_FLUSH)
		*(void **)&out->fn[out->n++] = fn;
}

static int in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

/* The exit functions in the .symtab of the ELF image MAP (SIZE bytes). */
static void scan(const unsigned char *map, size_t size, ElfW(Addr) base,
		 struct found *out)
{
	const ElfW(Ehdr) *eh = (const void *)map;
	const ElfW(Shdr) * sh, *strsh;
	const ElfW(Sym) * sym;
	const char *strtab;
	uint64_t i, n;
	size_t k;
	uint16_t s;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] !=
		    (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    eh->e_shentsize != sizeof(ElfW(Shdr)) ||
	    !in_file(size, eh->e_shoff,
		     (uint64_t)eh->e_shnum * sizeof(ElfW(Shdr))))
		return;
	sh = (const void *)(map + eh->e_shoff);
	for (s = 0; s < eh->e_shnum; s++) {
		if (sh[s].sh_type != SHT_SYMTAB ||
		    sh[s].sh_entsize != sizeof(ElfW(Sym)) ||
		    sh[s].sh_link >= eh->e_shnum ||
		    !in_file(size, sh[s].sh_offset, sh[s].sh_size))
			continue;
		strsh = &sh[sh[s].sh_link];
		if (!in_file(size, strsh->sh_offset, strsh->sh_size) ||
		    strsh->sh_size == 0)
			continue;
		strtab = (const char *)map + strsh->sh_offset;
		sym = (const void *)(map + sh[s].sh_offset);
		n = sh[s].sh_size / sizeof(ElfW(Sym));
		for (i = 0; i < n; i++) {
			if (ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC ||
			    sym[i].st_shndx == SHN_UNDEF ||
			    sym[i].st_value == 0 ||
			    sym[i].st_name >= strsh->sh_size)
				continue;
			/* Its name ends inside the table: the last byte is 0. */
			if (strtab[strsh->sh_size - 1] != '\0')
				return;
			for (k = 0; k < N_FNS; k++)
				if (strcmp(strtab + sym[i].st_name,
					   runtime_fns[k].name) == 0)
					add(out, runtime_fns[k].when,
					    (void *)(base + sym[i].st_value));
		}
	}
}

/*
 * Is the shared object at PATH instrumented?  Asked of what the loader
 * has in memory, no file read: each runtime exports one variable from
 * every object it is linked into (the program exports neither).
 */
static int instrumented(const char *path)
{
	void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	int yes;

	if (!h)
		return 0;
	yes = dlsym(h, "__gcov_master") || dlsym(h, "__llvm_profile_filename");
	dlclose(h);
	return yes;
}

static int each_object(struct dl_phdr_info *info, size_t len, void *arg)
{
	const char *path = info->dlpi_name;
	struct stat st;
	void *map;
	int fd;

	(void)len;
	/* The program itself has no name here; the vDSO no file. */
	if (!path || !path[0]) {
		if (!scan_program)
			return 0;
		path = "/proc/self/exe";
	} else if (!strchr(path, '/') || !instrumented(path)) {
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			   0);
		if (map != MAP_FAILED) {
			scan(map, (size_t)st.st_size, info->dlpi_addr, arg);
			munmap(map, (size_t)st.st_size);
		}
	}
	close(fd);
	return 0;
}

void pyn__child_coverage_search(bool program)
{
	found.n = 0;
	found.n_start = 0;
	scan_program = program;
	dl_iterate_phdr(each_object, &found);
	searched = true;
}

PYN__CHILD_TEXT void pyn__child_coverage_find(bool program)
{
	const char *pattern;
	int i;

	if (!searched)
		pyn__child_coverage_search(program);
	if (!found.n_start)
		return;
	pattern = getenv("LLVM_PROFILE_FILE");
	if (!pattern || !strstr(pattern, "%p"))
		return;
	for (i = 0; i < found.n_start; i++) {
		found.start[i]("");
		found.start[i](pattern);
	}
}

PYN__CHILD_TEXT void pyn__child_coverage_flush(void)
{
	int i;

	/* The runtime's own writes: open, lock, merge, write. */
	for (i = 0; i < found.n; i++)
		found.fn[i]();
}
