/*
 * test_atomic_file.c - a file written atomically is whole or absent, and a
 * writer killed half-way leaves nothing at all in the directory.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic_file.h"
#include "read_file.h"

static int write_text(FILE *out, void *data)
{
    return fputs(data, out) >= 0 ? 0 : -1;
}

/* Writes half, then dies as a SIGKILLed twice would, in the middle of the write. */
static int die_half_way(FILE *out, void *data)
{
    fputs(data, out);
    fflush(out);
    raise(SIGKILL);
    return 0;
}

/* The names in dir other than "." and "..", joined by spaces (static). */
static const char *entries(const char *dir)
{
    static char names[1024];
    names[0] = '\0';
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s ", e->d_name);
    }
    if (d != NULL)
        closedir(d);
    return names;
}

Test(atomic_file, replaces_the_target_whole)
{
    char dir[] = "/tmp/twice-test-atomic-XXXXXX", path[128], err[256];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/report.json", dir);
    cr_assert_eq(atomic_write(path, write_text, "first", err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(atomic_write(path, write_text, "second", err, sizeof(err)), 0, "%s", err);
    char *text = read_file(path, NULL, err, sizeof(err));
    cr_assert_not_null(text, "%s", err);
    cr_assert_str_eq(text, "second");
    free(text);
    cr_assert_str_eq(entries(dir), "report.json ");
    unlink(path);
    rmdir(dir);
}

Test(atomic_file, a_writer_killed_half_way_leaves_nothing)
{
    char dir[] = "/tmp/twice-test-atomic-XXXXXX", path[128], err[256];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/report.json", dir);
    pid_t writer = fork();
    if (writer == 0) {
        atomic_write(path, die_half_way, "half a report", err, sizeof(err));
        _exit(0);
    }
    int status;
    waitpid(writer, &status, 0);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    cr_assert_str_eq(entries(dir), "", "left behind: %s", entries(dir));
    rmdir(dir);
}

Test(atomic_file, an_unwritable_directory_is_an_error_naming_the_file)
{
    char err[256];
    cr_assert_eq(atomic_write("/nonexistent/dir/report.json", write_text, "x", err, sizeof(err)),
                 -1);
    cr_assert(strstr(err, "cannot write /nonexistent/dir/report.json: ") != NULL, "%s", err);
}
