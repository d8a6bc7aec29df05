/*
 * test_postgres_install.c - finding PostgreSQL's server programs: on PATH,
 * in the newest of Debian's versioned directories, and when there are none,
 * an error that names the package to install.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "postgres_install.h"
#include "scratch_dir.h"

TestSuite(postgres_install, .init = scratch_make, .fini = scratch_remove);

/* A directory name/bin under the scratch folder, with the programs given, executable. */
static void fake_bindir(const char *name, int initdb, int postgres)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", scratch_dir, name);
    cr_assert_eq(mkdir(path, 0755), 0);
    strcat(path, "/bin");
    cr_assert_eq(mkdir(path, 0755), 0);
    const char *programs[] = {initdb ? "initdb" : NULL, postgres ? "postgres" : NULL};
    for (size_t i = 0; i < 2; i++) {
        if (programs[i] == NULL)
            continue;
        char program[PATH_MAX + 16];
        snprintf(program, sizeof(program), "%s/%s", path, programs[i]);
        FILE *f = fopen(program, "w");
        cr_assert_not_null(f);
        fclose(f);
        cr_assert_eq(chmod(program, 0755), 0);
    }
}

Test(postgres_install, none_names_the_package)
{
    char dir[PATH_MAX], err[512], pattern[PATH_MAX];
    fake_bindir("13", 1, 0); /* initdb alone is not a server */
    snprintf(pattern, sizeof(pattern), "%s/*/bin", scratch_dir);
    cr_assert_eq(postgres_find_bindir("/nonexistent:", pattern, dir, sizeof(dir), err, sizeof(err)),
                 -1);
    cr_assert_not_null(strstr(err, "install the Debian package postgresql"), "%s", err);
    cr_assert_not_null(strstr(err, pattern), "the places searched: %s", err);
    cr_assert_eq(postgres_find_bindir(NULL, pattern, dir, sizeof(dir), err, sizeof(err)), -1);
}

Test(postgres_install, newest_version_wins)
{
    char dir[PATH_MAX], err[512], pattern[PATH_MAX], want[PATH_MAX];
    fake_bindir("9.6", 1, 1);
    fake_bindir("15", 1, 1);
    fake_bindir("11", 1, 1);
    snprintf(pattern, sizeof(pattern), "%s/*/bin", scratch_dir);
    cr_assert_eq(postgres_find_bindir("", pattern, dir, sizeof(dir), err, sizeof(err)), 0, "%s",
                 err);
    snprintf(want, sizeof(want), "%s/15/bin", scratch_dir);
    cr_assert_str_eq(dir, want);
}

Test(postgres_install, path_comes_first)
{
    char dir[PATH_MAX], err[512], pattern[PATH_MAX], path[PATH_MAX * 2], want[PATH_MAX];
    fake_bindir("15", 1, 1);
    fake_bindir("local", 1, 1);
    fake_bindir("client", 1, 0);
    snprintf(pattern, sizeof(pattern), "%s/*/bin", scratch_dir);
    snprintf(path, sizeof(path), "/nonexistent:%s/client/bin::%s/local/bin", scratch_dir,
             scratch_dir);
    cr_assert_eq(postgres_find_bindir(path, pattern, dir, sizeof(dir), err, sizeof(err)), 0, "%s",
                 err);
    snprintf(want, sizeof(want), "%s/local/bin", scratch_dir);
    cr_assert_str_eq(dir, want);
}
