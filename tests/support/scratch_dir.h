/*
 * scratch_dir.h - a fresh folder for each test that writes files
 * (scratch_dir.c): made before the test, removed with all it holds after it.
 * Criterion runs each test in a process of its own, so one folder at a time
 * is all a test binary needs:
 *
 *     TestSuite(files, .init = scratch_make, .fini = scratch_remove);
 */
#ifndef TWICE_TEST_SCRATCH_DIR_H
#define TWICE_TEST_SCRATCH_DIR_H

/** The folder's path while a test runs ("" before scratch_make). */
extern char scratch_dir[64];

/** Makes a new folder under /tmp (aborts the test when it cannot). */
void scratch_make(void);
/** Removes the folder and everything in it. */
void scratch_remove(void);
/** scratch_dir/name, malloc'd. */
char *scratch_path(const char *name);

#endif
