/* SPDX-License-Identifier: MIT */
/*
 * tests/robust/ctl_names.c - an exported test function whose symbol name
 * carries ESC, CR and BEL (issue 20 item 12): `discover:` must not let it
 * forge a console line.  C cannot spell such a name; the assembler can
 * (raw bytes in a quoted symbol name, as gcc and clang both accept).
 */
void ctl_ok(void);

void ctl_ok(void)
{
}

__asm__(".globl \"ctl_\x1b[2J\rPASS forged\a\"\n"
	".set \"ctl_\x1b[2J\rPASS forged\a\", ctl_ok\n");
