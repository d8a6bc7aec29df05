/*
 * test_fit_csv.c - the CSV `twice fit` reads: what it accepts (any case,
 * spaces, CRLF, comments, repeats) and every way a file can be wrong, each
 * with the line it is wrong on.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fit_csv.h"

static int parse(const char *text, fit_data *data, char *err, size_t errlen)
{
    return fit_csv_parse(text, strlen(text), "m.csv", data, err, errlen);
}

Test(fit_csv, accepts_case_spaces_crlf_comments_and_repeats)
{
    const char *text = "# measured on a quiet box\r\n"
                       "\r\n"
                       " Servers , THROUGHPUT \r\n"
                       "1,1000.5\r\n"
                       "  1 ,\t990\r\n"
                       "# a comment between rows\r\n"
                       "4, 3.5e3\r\n"
                       "4,3400"; /* no final line end */
    fit_data data;
    char err[256];
    cr_assert_eq(parse(text, &data, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(data.count, 4);
    double servers[] = {1, 1, 4, 4}, throughput[] = {1000.5, 990, 3500, 3400};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(data.servers[i], servers[i], "row %d", i);
        cr_assert_eq(data.throughput[i], throughput[i], "row %d", i);
    }
    fit_data_free(&data);
    cr_assert_null(data.servers);

    const char *exported = "\xef\xbb\xbfservers,throughput\n1,10\n2,19\n";
    cr_assert_eq(parse(exported, &data, err, sizeof(err)), 0, "a byte order mark: %s", err);
    cr_assert_eq(data.count, 2);
    fit_data_free(&data);
}

Test(fit_csv, every_error_names_its_line)
{
    static const struct {
        const char *text, *why;
    } cases[] = {
        {"", "m.csv:0: expected the header servers,throughput, found no lines"},
        {"# only a comment\n", "m.csv:1: expected the header servers,throughput, found no lines"},
        {"1,100\n2,200\n", "m.csv:1: expected the header servers,throughput"},
        {"servers,throughput,extra\n", "m.csv:1: expected the header servers,throughput"},
        {"throughput,servers\n", "m.csv:1: expected the header servers,throughput"},
        {"servers,throughput\n1,100\n2\n", "m.csv:3: expected two fields, servers,throughput"},
        {"servers,throughput\n1,100\n2,200,3\n",
         "m.csv:3: expected two fields, servers,throughput"},
        {"servers,throughput\n1,abc\n", "m.csv:2: throughput: expected a number, got 'abc'"},
        {"servers,throughput\n1,inf\n", "m.csv:2: throughput: expected a number, got 'inf'"},
        {"servers,throughput\n1,nan\n", "m.csv:2: throughput: expected a number, got 'nan'"},
        {"servers,throughput\n1,0x10\n", "m.csv:2: throughput: expected a number, got '0x10'"},
        {"servers,throughput\n1,1e999\n", "m.csv:2: throughput: expected a number, got '1e999'"},
        {"servers,throughput\n1,\n", "m.csv:2: throughput: expected a number, got ''"},
        {"servers,throughput\n1,100\n2,0\n",
         "m.csv:3: throughput: expected a number above 0, got '0'"},
        {"servers,throughput\n1,100\n\n2,-5\n",
         "m.csv:4: throughput: expected a number above 0, got '-5'"},
        {"servers,throughput\n0,100\n",
         "m.csv:2: servers: expected a whole number from 1 to 1000000, got '0'"},
        {"servers,throughput\n2.5,100\n",
         "m.csv:2: servers: expected a whole number from 1 to 1000000, got '2.5'"},
        {"servers,throughput\n-1,100\n",
         "m.csv:2: servers: expected a whole number from 1 to 1000000, got '-1'"},
        {"servers,throughput\n1000001,100\n",
         "m.csv:2: servers: expected a whole number from 1 to 1000000, got '1000001'"},
        {"servers,throughput\n1,100\n",
         "m.csv:2: too few rows: 1 measurement; a fit needs at least 2, at 2 or more server "
         "counts"},
        {"servers,throughput\n",
         "m.csv:1: too few rows: 0 measurements; a fit needs at least 2, at 2 or more server "
         "counts"},
        {"  {\"schema\": 1}", "m.csv: not a CSV (reading a Twice report is not supported yet): "
                              "give a CSV with the header servers,throughput"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        fit_data data;
        char err[256] = "";
        cr_assert_eq(parse(cases[i].text, &data, err, sizeof(err)), -1, "case %zu", i);
        cr_assert_str_eq(err, cases[i].why, "case %zu", i);
        cr_assert_null(data.servers, "nothing left to free");
    }
}

Test(fit_csv, a_nul_byte_is_refused_not_taken_as_the_end)
{
    const char text[] = "servers,throughput\n1,100\n2,2\0"
                        "00\n";
    fit_data data;
    char err[256];
    cr_assert_eq(fit_csv_parse(text, sizeof(text) - 1, "m.csv", &data, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "m.csv:3: a NUL byte: not a text file");
}

Test(fit_csv, too_many_rows_are_refused)
{
    size_t rows = FIT_CSV_MAX_ROWS + 1, len = 0;
    char *text = malloc(32 + rows * 8);
    len += (size_t)sprintf(text, "servers,throughput\n");
    for (size_t i = 0; i < rows; i++)
        len += (size_t)sprintf(text + len, "%zu,5\n", 1 + i % 9);
    fit_data data;
    char err[256];
    cr_assert_eq(fit_csv_parse(text, len, "m.csv", &data, err, sizeof(err)), -1);
    free(text);
    cr_assert_str_eq(err, "m.csv:100002: too many rows: at most 100000 measurements");
}

Test(fit_csv, reading_refuses_what_is_not_a_small_regular_file)
{
    fit_data data;
    char err[512];
    cr_assert_eq(fit_csv_read("/nonexistent/m.csv", &data, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "/nonexistent/m.csv: No such file or directory");
    cr_assert_eq(fit_csv_read("/tmp", &data, err, sizeof(err)), -1);
    cr_assert_str_eq(err, "/tmp: is a directory, not a regular file");

    char path[] = "/tmp/twice-fit-csv-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, FIT_CSV_MAX_BYTES + 1), 0, "a sparse file, nothing written");
    close(fd);
    cr_assert_eq(fit_csv_read(path, &data, err, sizeof(err)), -1);
    unlink(path);
    char want[512];
    snprintf(want, sizeof(want), "%s: too big: %u bytes, at most %u", path, FIT_CSV_MAX_BYTES + 1,
             FIT_CSV_MAX_BYTES);
    cr_assert_str_eq(err, want);

    cr_assert_eq(fit_csv_read(FIXTURES_DIR "/usl-synthetic.csv", &data, err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_eq(data.count, 24);
    fit_data_free(&data);
}
