/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/fuzz_elf.c - libFuzzer target: any bytes as a shared object.
 *
 * The plan reads the dynamic symbol table of every test library and
 * plug-in; a corrupt or hostile file must give an error, never a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pyn_elf_symbols syms;
	struct pyn_error err;
	void *copy;
	size_t i;

	/* Aligned like the mmap the plan reads through. */
	copy = aligned_alloc(16, (size + 16) / 16 * 16);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (pyn__elf_read_buffer(&syms, copy, size, &err) == 0) {
		for (i = 0; i < syms.n_symbols; i++)
			if (pyn__elf_find(&syms, syms.symbols[i].name) == NULL)
				abort();
		pyn__elf_release(&syms);
	} else if (!err.message[0]) {
		abort();
	}
	free(copy);
	return 0;
}
