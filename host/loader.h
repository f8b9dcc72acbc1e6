/* SPDX-License-Identifier: MIT */
/*
 * host/loader.h - the only code that calls libltdl.
 *
 * Opens shared objects (test libraries and limiter plug-ins) with
 * lt_dlopenext, so the extension is optional, and resolves symbols.
 */
#ifndef PYN_PLUGINS_LOADER_H
#define PYN_PLUGINS_LOADER_H

#include <pyntest/error.h>

struct pyn__module;

/*
 * Open `path` (extension optional) with global symbol visibility.  Fills
 * `err` with libltdl's reason on failure ("cannot load test object
 * 'x': file not found").
 */
int pyn__module_open(struct pyn__module **module, const char *path,
		     struct pyn_error *err);

/*
 * Like pyn__module_open(), naming the file as `what` ("plug-in") in the
 * message instead of "test object".  (Added for the plug-in registry.)
 */
int pyn__module_open_as(struct pyn__module **module, const char *path,
			const char *what, struct pyn_error *err);

/*
 * Load `path`, a shared object's file ("dir/libx.so"), with every symbol
 * bound now, before pyn__module_open() of the same path finds it loaded
 * (its constructors run here).  For a process that forks many children
 * from it (a fork server): bound lazily, each child would bind the
 * functions it calls again.  Does nothing unless `path` names the file
 * libltdl would open (a directory part, the ".so" extension), or when it
 * cannot be bound now (an undefined symbol that nothing may call): then
 * pyn__module_open() loads it lazily, as ever.
 */
void pyn__module_bind_now(const char *path);

/* The address of `name` in the module, or NULL. */
void *pyn__module_symbol(struct pyn__module *module, const char *name);

/*
 * The address of `name` when the module's own object defines it as an
 * ordinary function (not an IFUNC), found in its GNU hash table without
 * the dynamic linker, which takes its lock (a write) for each lookup:
 * for a fork server, whose every page written is copied again after each
 * clone.  Answers what pyn__module_symbol() would, or NULL: not found so
 * (a dependency's, another version's, no GNU hash table), then ask
 * pyn__module_symbol().
 */
void *pyn__module_function(struct pyn__module *module, const char *name);

/* Close a module; accepts NULL. */
void pyn__module_close(struct pyn__module *module);

/*
 * Find the file `path` names, as lt_dlopenext would: as given, then with
 * ".la" and ".so"; relative paths against `base_dir` (may be NULL), then
 * each directory of the colon-separated list in environment variable
 * `env_var` (may be NULL).  Writes the absolute path into `out`.
 * Returns 0 or PYN_ENOTFOUND.
 */
int pyn__module_resolve(const char *path, const char *base_dir,
			const char *env_var, char *out, size_t out_len);

/*
 * The folder of pyntest's own limiter modules (PREFIX/lib/pyntest/limiters
 * of the install, or of the build tree), found relative to libpyntest or
 * the program.  Returns 0 or PYN_ENOTFOUND.
 */
int pyn__module_dir(char *out, size_t out_len);

/*
 * PREFIX/reldir/name of this pyntest when it exists (`name` "": a folder,
 * else an executable), PREFIX found from libpyntest's own location or the
 * running program's.  Returns 0 or PYN_ENOTFOUND.
 */
int pyn__install_path(const char *reldir, const char *name, char *out,
		      size_t out_len);

#endif /* PYN_PLUGINS_LOADER_H */
