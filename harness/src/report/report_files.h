/*
 * report_files.h - where a run's report files go (report_files.c): an
 * output directory checked before anything is measured, so that a bad -o
 * never costs a run's results, and file names built from the scenario's
 * name that stay inside that directory whatever the name holds.
 */
#ifndef TWICE_REPORT_FILES_H
#define TWICE_REPORT_FILES_H

#include <stddef.h>

#define REPORT_STEM_MAX 100 /* bytes of the name kept in a file name */

/** Creates dir when it is missing (its parent must exist) and checks, by creating a file in
 * it, that reports can be written there. 0, or -1 with err. */
int report_dir_prepare(const char *dir, char *err, size_t errlen);
/** name as a file name (out: at least REPORT_STEM_MAX + 1 bytes): letters, digits, '.', '-'
 * and '_' kept, any other byte and a leading '.' made '_', at most REPORT_STEM_MAX bytes,
 * "report" when empty. Never "", ".", ".." or a name with '/'. */
void report_file_stem(const char *name, char *out);

#endif
