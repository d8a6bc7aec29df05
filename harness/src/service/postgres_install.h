/*
 * postgres_install.h - where this machine's PostgreSQL server programs are
 * (postgres_install.c). Debian keeps initdb and postgres out of PATH, in
 * /usr/lib/postgresql/VERSION/bin, so that several versions can be installed
 * side by side; other systems put them on PATH.
 */
#ifndef TWICE_POSTGRES_INSTALL_H
#define TWICE_POSTGRES_INSTALL_H

#include <stddef.h>

/** The package that provides the server, for error messages. */
#define POSTGRES_PACKAGE "postgresql"

/** Where Debian installs each version's server programs. */
#define POSTGRES_DEBIAN_BINDIRS "/usr/lib/postgresql/*/bin"

/** The directory that holds both initdb and postgres, into dir: one on PATH first, else the
 * newest POSTGRES_DEBIAN_BINDIRS. 0, or -1 with err naming the package to install. */
int postgres_bindir(char *dir, size_t len, char *err, size_t errlen);
/** postgres_bindir with the search path (a PATH value, may be NULL) and the pattern of the
 * versioned directories (its '*' a version such as 15 or 9.6) given. */
int postgres_find_bindir(const char *search_path, const char *versioned, char *dir, size_t len,
                         char *err, size_t errlen);

#endif
