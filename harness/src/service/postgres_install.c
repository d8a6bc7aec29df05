/*
 * postgres_install.c - see postgres_install.h. A directory counts only when
 * it holds both programs: Debian's postgresql-client puts a pg_wrapper on
 * PATH for the client tools, never for initdb or postgres.
 */
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "postgres_install.h"

static int holds_server(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/initdb", dir);
    if (access(path, X_OK) != 0)
        return 0;
    snprintf(path, sizeof(path), "%s/postgres", dir);
    return access(path, X_OK) == 0;
}

static int on_path(const char *path, char *dir, size_t len)
{
    while (path != NULL && *path != '\0') {
        size_t n = strcspn(path, ":");
        if (n > 0 && n < len) {
            snprintf(dir, len, "%.*s", (int)n, path);
            if (holds_server(dir))
                return 1;
        }
        path += n + (path[n] == ':');
    }
    return 0;
}

/* The version that the '*' of pattern matched in bindir, as a number: "9.6" < "15". */
static double version_of(const char *bindir, const char *pattern)
{
    return strtod(bindir + strcspn(pattern, "*"), NULL);
}

static int newest_versioned(const char *pattern, char *dir, size_t len)
{
    glob_t found;
    int rc = 0;
    double best = -1;
    if (glob(pattern, GLOB_ONLYDIR, NULL, &found) != 0)
        return 0;
    for (size_t i = 0; i < found.gl_pathc; i++) {
        const char *candidate = found.gl_pathv[i];
        double version = version_of(candidate, pattern);
        if (holds_server(candidate) && version > best && strlen(candidate) < len) {
            best = version;
            snprintf(dir, len, "%s", candidate);
            rc = 1;
        }
    }
    globfree(&found);
    return rc;
}

int postgres_find_bindir(const char *search_path, const char *versioned, char *dir, size_t len,
                         char *err, size_t errlen)
{
    if (on_path(search_path, dir, len) || newest_versioned(versioned, dir, len))
        return 0;
    snprintf(err, errlen,
             "PostgreSQL's server is not installed (no initdb and postgres on PATH or in %s): "
             "install the Debian package " POSTGRES_PACKAGE " (scripts/deps.sh does)",
             versioned);
    return -1;
}

int postgres_bindir(char *dir, size_t len, char *err, size_t errlen)
{
    return postgres_find_bindir(getenv("PATH"), POSTGRES_DEBIAN_BINDIRS, dir, len, err, errlen);
}
