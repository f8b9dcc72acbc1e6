/* SPDX-License-Identifier: MIT */
/*
 * config/elf.h - the exported symbols of a shared object, read from its
 * ELF dynamic symbol table.
 *
 * The runner never loads test code (SPEC §7): not even dlopen, which would
 * run constructors.  So the plan checks test functions, and discovers
 * them, by reading the file: ELF header (magic, class, byte order, machine
 * of this build), section headers, .dynsym and its string table.
 */
#ifndef PYN_CONFIG_ELF_H
#define PYN_CONFIG_ELF_H

#include <stdbool.h>
#include <stddef.h>

#include <pyntest/error.h>

#include "config/util.h"

struct pyn_elf_symbol {
	const char *name; /* points into pyn_elf_symbols.strings */
	bool is_function; /* STT_FUNC or STT_GNU_IFUNC: code, not data */
};

/* Defined, exported (global or weak, default or protected) symbols. */
struct pyn_elf_symbols {
	struct pyn_elf_symbol *symbols; /* in symbol-table order */
	size_t n_symbols;
	char *strings;
	struct pyn__strset index; /* name -> first index, for pyn__elf_find */
};

/*
 * Read the exported symbols of the shared object at `path`.  On failure
 * returns PYN_ELOAD with only the cause in `err->message` ("not an ELF
 * file", "built for AArch64, not x86-64"): the caller names the file.
 */
int pyn__elf_read(struct pyn_elf_symbols *syms, const char *path,
		  struct pyn_error *err);

/* The same for `len` bytes at `data` (aligned for the ELF headers). */
int pyn__elf_read_buffer(struct pyn_elf_symbols *syms, const void *data,
			 size_t len, struct pyn_error *err);

/* The symbol called `name`, or NULL. */
const struct pyn_elf_symbol *pyn__elf_find(const struct pyn_elf_symbols *syms,
					   const char *name);

void pyn__elf_release(struct pyn_elf_symbols *syms);

#endif /* PYN_CONFIG_ELF_H */
