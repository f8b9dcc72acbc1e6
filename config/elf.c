/* SPDX-License-Identifier: MIT */
/*
 * config/elf.c - exported symbols from the ELF dynamic symbol table.
 *
 * Every offset and size read from the file is checked against the file's
 * size before use: a corrupt or hostile library must give an error, never
 * a crash of the runner.
 */
#include "config/elf.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if UINTPTR_MAX > 0xffffffffu
#define HOST_CLASS ELFCLASS64
#define Ehdr Elf64_Ehdr
#define Shdr Elf64_Shdr
#define Sym Elf64_Sym
#define Dyn Elf64_Dyn
#define SYM_TYPE ELF64_ST_TYPE
#define SYM_BIND ELF64_ST_BIND
#define SYM_VIS ELF64_ST_VISIBILITY
#else
#define HOST_CLASS ELFCLASS32
#define Ehdr Elf32_Ehdr
#define Shdr Elf32_Shdr
#define Sym Elf32_Sym
#define Dyn Elf32_Dyn
#define SYM_TYPE ELF32_ST_TYPE
#define SYM_BIND ELF32_ST_BIND
#define SYM_VIS ELF32_ST_VISIBILITY
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define HOST_DATA ELFDATA2LSB
#else
#define HOST_DATA ELFDATA2MSB
#endif

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#elif defined(__i386__)
#define HOST_MACHINE EM_386
#elif defined(__arm__)
#define HOST_MACHINE EM_ARM
#elif defined(__riscv)
#define HOST_MACHINE EM_RISCV
#elif defined(__powerpc64__)
#define HOST_MACHINE EM_PPC64
#elif defined(__s390x__)
#define HOST_MACHINE EM_S390
#endif

static const char *machine_name(unsigned m)
{
	switch (m) {
	case EM_X86_64:
		return "x86-64";
	case EM_AARCH64:
		return "AArch64";
	case EM_386:
		return "i386";
	case EM_ARM:
		return "ARM";
	case EM_RISCV:
		return "RISC-V";
	case EM_PPC64:
		return "PowerPC64";
	case EM_PPC:
		return "PowerPC";
	case EM_S390:
		return "s390";
	case EM_MIPS:
		return "MIPS";
	default:
		return NULL;
	}
}

static int cause(struct pyn_error *err, const char *what)
{
	return pyn_error_set(err, PYN_ELOAD, NULL, 0, 0, "%s", what);
}

/* Is [off, off+size) inside a file of `len` bytes? */
static bool in_file(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

/*
 * A position-independent executable is ET_DYN like a shared object; its
 * dynamic section says DF_1_PIE.  Only read what lies in the file.
 */
static bool is_pie(const unsigned char *img, size_t len, const Shdr *sh,
		   uint64_t shnum)
{
	for (uint64_t i = 0; i < shnum; i++) {
		const Dyn *d;
		uint64_t n;

		if (sh[i].sh_type != SHT_DYNAMIC ||
		    !in_file(sh[i].sh_offset, sh[i].sh_size, len) ||
		    sh[i].sh_offset % _Alignof(Dyn))
			continue;
		d = (const Dyn *)(img + sh[i].sh_offset);
		n = sh[i].sh_size / sizeof(Dyn);
		for (uint64_t k = 0; k < n && d[k].d_tag != DT_NULL; k++)
			if (d[k].d_tag == DT_FLAGS_1 &&
			    (d[k].d_un.d_val & DF_1_PIE))
				return true;
	}
	return false;
}

static int read_image(struct pyn_elf_symbols *syms, const unsigned char *img,
		      size_t len, struct pyn_error *err)
{
	const Ehdr *eh = (const Ehdr *)img;
	const Shdr *sh, *dynsym = NULL, *strtab;
	const Sym *table;
	const char *str;
	uint64_t shnum, i, count, strsize;
	char msg[160];

	if (len >= 8 && memcmp(img, "!<arch>\n", 8) == 0)
		return cause(err,
			     "a static archive (ar), not a shared object; "
			     "build it with -shared (CMake: add_library(NAME "
			     "SHARED ...))");
	if (len < EI_NIDENT || memcmp(img, ELFMAG, SELFMAG) != 0)
		return cause(err, "not an ELF file");
	if (img[EI_CLASS] != HOST_CLASS)
		return cause(
			err,
			HOST_CLASS == ELFCLASS64 ?
				"a 32-bit ELF file; this pyntest is 64-bit" :
				"a 64-bit ELF file; this pyntest is 32-bit");
	if (img[EI_DATA] != HOST_DATA)
		return cause(err, "ELF file of the other byte order");
	if (len < sizeof(Ehdr))
		return cause(err, "truncated ELF file");
#ifdef HOST_MACHINE
	if (eh->e_machine != HOST_MACHINE) {
		const char *built = machine_name(eh->e_machine);

		if (built)
			snprintf(msg, sizeof(msg), "built for %s, not %s",
				 built, machine_name(HOST_MACHINE));
		else
			snprintf(msg, sizeof(msg),
				 "built for ELF machine %u, not %s",
				 (unsigned)eh->e_machine,
				 machine_name(HOST_MACHINE));
		return cause(err, msg);
	}
#endif
	if (eh->e_type != ET_DYN)
		return cause(err, eh->e_type == ET_EXEC ?
					  "an executable, not a shared object; "
					  "a CUnit program goes under "
					  "'program:'" :
					  "not a shared object");
	if (!eh->e_shoff || eh->e_shentsize != sizeof(Shdr))
		return cause(err, "no section headers to read symbols from");
	if (!in_file(eh->e_shoff, sizeof(Shdr), len))
		return cause(err, "truncated ELF file (section headers)");
	/* Before any read through it (found by fuzz_elf). */
	if ((uintptr_t)(img + eh->e_shoff) % _Alignof(Shdr))
		return cause(err, "misaligned ELF section headers");
	sh = (const Shdr *)(img + eh->e_shoff);
	shnum = eh->e_shnum ? eh->e_shnum : sh[0].sh_size;
	if (!shnum || shnum > len / sizeof(Shdr) ||
	    !in_file(eh->e_shoff, shnum * sizeof(Shdr), len))
		return cause(err, "truncated ELF file (section headers)");
	if (is_pie(img, len, sh, shnum))
		return cause(err, "an executable (PIE), not a shared object; "
				  "a CUnit program goes under 'program:'");
	for (i = 0; i < shnum; i++) {
		if (sh[i].sh_type == SHT_DYNSYM) {
			dynsym = &sh[i];
			break;
		}
	}
	if (!dynsym)
		return cause(err, "no dynamic symbol table (.dynsym)");
	if (dynsym->sh_entsize != sizeof(Sym) || dynsym->sh_link >= shnum ||
	    !in_file(dynsym->sh_offset, dynsym->sh_size, len) ||
	    dynsym->sh_offset % _Alignof(Sym))
		return cause(err, "corrupt dynamic symbol table");
	strtab = &sh[dynsym->sh_link];
	if (strtab->sh_type != SHT_STRTAB ||
	    !in_file(strtab->sh_offset, strtab->sh_size, len))
		return cause(err, "corrupt dynamic string table");
	table = (const Sym *)(img + dynsym->sh_offset);
	count = dynsym->sh_size / sizeof(Sym);
	str = (const char *)img + strtab->sh_offset;
	strsize = strtab->sh_size;
	syms->symbols = calloc(count + 1, sizeof(*syms->symbols));
	syms->strings = malloc(strsize + 1);
	if (!syms->symbols || !syms->strings)
		return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
				     "out of memory");
	memcpy(syms->strings, str, strsize);
	syms->strings[strsize] = '\0';
	for (i = 1; i < count; i++) {
		const Sym *s = &table[i];
		unsigned type = SYM_TYPE(s->st_info);
		unsigned bind = SYM_BIND(s->st_info);
		unsigned vis = SYM_VIS(s->st_other);
		const char *name;
		size_t n;

		if (s->st_shndx == SHN_UNDEF || s->st_name >= strsize)
			continue;
		if (bind != STB_GLOBAL && bind != STB_WEAK &&
		    bind != STB_GNU_UNIQUE)
			continue;
		if (vis != STV_DEFAULT && vis != STV_PROTECTED)
			continue;
		name = str + s->st_name;
		n = strnlen(name, strsize - s->st_name);
		if (n == strsize - s->st_name || n == 0)
			continue;
		/*
		 * Names point into a copy of the whole table: linkers merge
		 * suffixes, so several symbols may share bytes.
		 */
		syms->symbols[syms->n_symbols].name =
			syms->strings + s->st_name;
		syms->symbols[syms->n_symbols].is_function =
			type == STT_FUNC || type == STT_GNU_IFUNC;
		syms->n_symbols++;
	}
	/* Plans look up every test: a hash, not a scan per test. */
	for (i = 0; i < syms->n_symbols; i++)
		if (pyn__strset_add(&syms->index, syms->symbols[i].name,
				    (size_t)i, NULL) < 0)
			return pyn_error_set(err, PYN_ENOMEM, NULL, 0, 0,
					     "out of memory");
	return 0;
}

int pyn__elf_read(struct pyn_elf_symbols *syms, const char *path,
		  struct pyn_error *err)
{
	struct stat st;
	void *img;
	int fd, rc;

	memset(syms, 0, sizeof(*syms));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cause(err, strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = cause(err, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = cause(err, "not a regular file");
		goto out_close;
	}
	if (st.st_size == 0) {
		rc = cause(err, "empty file, not an ELF file");
		goto out_close;
	}
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img == MAP_FAILED) {
		rc = cause(err, strerror(errno));
		goto out_close;
	}
	rc = read_image(syms, img, (size_t)st.st_size, err);
	munmap(img, (size_t)st.st_size);
	if (rc)
		pyn__elf_release(syms);
out_close:
	close(fd);
	return rc;
}

int pyn__elf_read_buffer(struct pyn_elf_symbols *syms, const void *data,
			 size_t len, struct pyn_error *err)
{
	int rc;

	memset(syms, 0, sizeof(*syms));
	if ((uintptr_t)data % _Alignof(Ehdr))
		return cause(err, "misaligned ELF image");
	rc = read_image(syms, data, len, err);
	if (rc)
		pyn__elf_release(syms);
	return rc;
}

const struct pyn_elf_symbol *pyn__elf_find(const struct pyn_elf_symbols *syms,
					   const char *name)
{
	size_t i;

	if (!pyn__strset_get(&syms->index, name, &i))
		return NULL;
	return &syms->symbols[i];
}

void pyn__elf_release(struct pyn_elf_symbols *syms)
{
	if (!syms)
		return;
	free(syms->symbols);
	free(syms->strings);
	pyn__strset_release(&syms->index);
	memset(syms, 0, sizeof(*syms));
}
