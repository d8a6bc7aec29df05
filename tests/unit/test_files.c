/*
 * test_files.c - the harness's files: reading inputs (only regular files,
 * bounded), writing reports (never over a symlink, FIFO or device, never
 * over another report) and report names that stay in their directory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic_file.h"
#include "read_file.h"
#include "report.h"
#include "report_files.h"
#include "scratch_dir.h"

static char err[1024];

TestSuite(files, .init = scratch_make, .fini = scratch_remove, .timeout = 20);

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

Test(files, a_regular_file_is_read_whole)
{
    char *path = scratch_path("a.json");
    write_text(path, "{\"a\": 1}\n");
    size_t len = 0;
    char *text = read_file(path, &len, err, sizeof(err));
    cr_assert_not_null(text, "%s", err);
    cr_assert_str_eq(text, "{\"a\": 1}\n");
    cr_assert_eq(len, 9);
    free(text);
    free(path);
}

/* A FIFO once blocked forever and /dev/zero grew without bound: both are refused at once. */
Test(files, only_regular_files_are_read)
{
    char *fifo = scratch_path("fifo");
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    struct {
        const char *path, *message;
    } cases[] = {
        {fifo, "is a FIFO, not a regular file"},
        {"/dev/zero", "/dev/zero: is a character device, not a regular file"},
        {scratch_dir, "is a directory, not a regular file"},
        {"/nonexistent/x.json", "/nonexistent/x.json: No such file or directory"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_null(read_file(cases[i].path, NULL, err, sizeof(err)), "%s", cases[i].path);
        cr_assert(strstr(err, cases[i].message) != NULL, "%s", err);
    }
    free(fifo);
}

Test(files, input_files_have_a_size_limit)
{
    char *path = scratch_path("big.json");
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    cr_assert_eq(ftruncate(fd, READ_FILE_MAX_BYTES + 1), 0);
    close(fd);
    cr_assert_null(read_file(path, NULL, err, sizeof(err)));
    cr_assert(strstr(err, "is larger than the 16 MiB limit for input files") != NULL, "%s", err);
    cr_assert_eq(truncate(path, READ_FILE_MAX_BYTES), 0);
    size_t len;
    char *text = read_file(path, &len, err, sizeof(err));
    cr_assert_not_null(text, "%s", err);
    cr_assert_eq(len, READ_FILE_MAX_BYTES, "the limit itself is allowed");
    free(text);
    free(path);
}

static int fill_text(FILE *out, void *data)
{
    return fputs(data, out) >= 0 ? 0 : -1;
}

static char *contents(const char *path)
{
    char *text = read_file(path, NULL, err, sizeof(err));
    cr_assert_not_null(text, "%s", err);
    return text;
}

/* `twice report -o FILE` replaced whatever FILE was; now only a regular file is replaced. */
Test(files, only_a_regular_file_is_replaced)
{
    char *target = scratch_path("target"), *link = scratch_path("link"),
         *fifo = scratch_path("fifo");
    char *sub = scratch_path("sub");
    write_text(target, "precious");
    cr_assert_eq(symlink(target, link), 0);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    cr_assert_eq(mkdir(sub, 0755), 0);
    struct {
        const char *path, *kind;
    } cases[] = {
        {link, "is a symbolic link"},
        {fifo, "is a FIFO"},
        {"/dev/null", "is a character device"},
        {sub, "is a directory"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(atomic_write(cases[i].path, fill_text, "new", err, sizeof(err)), -1);
        cr_assert(strstr(err, cases[i].kind) != NULL, "%s", err);
        cr_assert(strstr(err, "only a regular file is replaced") != NULL, "%s", err);
    }
    struct stat st;
    cr_assert_eq(lstat(link, &st), 0);
    cr_assert(S_ISLNK(st.st_mode), "the symlink is still a symlink");
    char *text = contents(target);
    cr_assert_str_eq(text, "precious", "nothing was written through the symlink");
    free(text);
    cr_assert_eq(atomic_write(target, fill_text, "replaced", err, sizeof(err)), 0, "%s", err);
    text = contents(target);
    cr_assert_str_eq(text, "replaced");
    free(text);
    char *fresh = scratch_path("fresh");
    cr_assert_eq(atomic_write(fresh, fill_text, "new", err, sizeof(err)), 0, "%s", err);
    free(fresh);
    free(target);
    free(link);
    free(fifo);
    free(sub);
}

/* The temporary file is created, never opened through what is planted under its name. */
Test(files, a_planted_temporary_name_is_not_followed)
{
    char *target = scratch_path("out.md"), *victim = scratch_path("victim"), *tmp;
    cr_assert_geq(asprintf(&tmp, "%s/.out.md.%d.tmp", scratch_dir, (int)getpid()), 0);
    write_text(victim, "precious");
    cr_assert_eq(symlink(victim, tmp), 0);
    cr_assert_eq(atomic_write(target, fill_text, "report", err, sizeof(err)), 0, "%s", err);
    char *text = contents(victim);
    cr_assert_str_eq(text, "precious");
    free(text);
    text = contents(target);
    cr_assert_str_eq(text, "report");
    free(text);
    free(target);
    free(victim);
    free(tmp);
}

Test(files, new_files_never_clobber)
{
    char *stem = scratch_path("r"), *first, *second, *third;
    cr_assert_eq(atomic_create(stem, "json", 10, fill_text, "one", &first, err, sizeof(err)), 0);
    cr_assert_eq(atomic_create(stem, "json", 10, fill_text, "two", &second, err, sizeof(err)), 0);
    char *expected;
    cr_assert_geq(asprintf(&expected, "%s/r-2.json", scratch_dir), 0);
    cr_assert_str_eq(second, expected);
    char *text = contents(first);
    cr_assert_str_eq(text, "one", "the first file is untouched");
    free(text);
    /* Without suffixes, an existing name is an error and stays as it was. */
    cr_assert_eq(atomic_create(stem, "json", 1, fill_text, "three", &third, err, sizeof(err)), -1);
    cr_assert_null(third);
    cr_assert(strstr(err, "r.json exists: not replaced") != NULL, "%s", err);
    text = contents(first);
    cr_assert_str_eq(text, "one");
    free(text);
    free(expected);
    free(first);
    free(second);
    free(stem);
}

/* Names from a report are made file names that cannot leave the directory. */
Test(files, report_stems_stay_in_their_directory)
{
    const char *names[] = {"../../x", "/etc/passwd",  "a/b",     ".",          "..",
                           "",        "x\ny\x1b[31m", ".hidden", "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char stem[REPORT_STEM_MAX + 1];
        report_file_stem(names[i], stem);
        cr_assert_null(strchr(stem, '/'), "%s", stem);
        cr_assert_neq(stem[0], '.', "%s", stem);
        cr_assert_neq(stem[0], '\0');
        for (const char *p = stem; *p != '\0'; p++)
            cr_assert((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f, "%s", stem);
    }
    char stem[REPORT_STEM_MAX + 1], long_name[300];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    report_file_stem(long_name, stem);
    cr_assert_eq(strlen(stem), REPORT_STEM_MAX);
    report_file_stem("quick-1.x_y", stem);
    cr_assert_str_eq(stem, "quick-1.x_y", "a plain name is kept as it is");
}

/* Two runs in one second with one name: two reports, neither lost; and whatever the name,
 * the report is in the directory asked for. */
Test(files, reports_have_unique_names_inside_their_directory)
{
    json_t *report = json_pack("{s:s}", "schema", REPORT_SCHEMA);
    char *paths[3];
    const char *names[] = {"same", "same", "../../escape"};
    time_t before = time(NULL);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(report_write(report, scratch_dir, names[i], &paths[i], err, sizeof(err)), 0,
                     "%s", err);
    if (time(NULL) == before) /* the same second, the same name: a suffix */
        cr_assert(strstr(paths[1], "-2.json") != NULL, "%s", paths[1]);
    cr_assert_str_neq(paths[0], paths[1]);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(strncmp(paths[i], scratch_dir, strlen(scratch_dir)), 0, "%s", paths[i]);
        cr_assert_null(strchr(paths[i] + strlen(scratch_dir) + 1, '/'), "%s", paths[i]);
        json_t *back = json_load_file(paths[i], 0, NULL);
        cr_assert_not_null(back, "%s", paths[i]);
        json_decref(back);
    }
    /* The siblings share the JSON's stem and never replace a file. */
    report_doc doc;
    cr_assert_eq(report_read_file(&doc, FIXTURES_DIR "/report.json", err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_eq(report_render_beside(&doc, paths[0], err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(report_render_beside(&doc, paths[0], err, sizeof(err)), -1);
    cr_assert(strstr(err, ".md exists: not replaced") != NULL, "%s", err);
    report_doc_free(&doc);
    for (int i = 0; i < 3; i++)
        free(paths[i]);
    json_decref(report);
}

/* The output directory is checked before a run, so that a bad -o costs nothing. */
Test(files, the_report_directory_is_checked_before_use)
{
    char *file = scratch_path("file"), *under_file = scratch_path("file/reports"),
         *fresh = scratch_path("new");
    write_text(file, "x");
    cr_assert_eq(report_dir_prepare(file, err, sizeof(err)), -1);
    cr_assert(strstr(err, "is not a directory") != NULL, "%s", err);
    cr_assert_eq(report_dir_prepare(under_file, err, sizeof(err)), -1);
    cr_assert(strstr(err, "cannot create the report directory") != NULL, "%s", err);
    cr_assert_eq(report_dir_prepare("/proc/self", err, sizeof(err)), -1, "not writable");
    cr_assert(strstr(err, "cannot write reports to /proc/self") != NULL, "%s", err);
    cr_assert_eq(report_dir_prepare(fresh, err, sizeof(err)), 0, "%s", err);
    struct stat st;
    cr_assert(stat(fresh, &st) == 0 && S_ISDIR(st.st_mode), "a missing directory is made");
    free(file);
    free(under_file);
    free(fresh);
}
