/*
 * bed_fixture.h - one test bed (`twice testbed up`) for a whole live suite
 * (bed_fixture.c): brought up in the runner before the first test, taken
 * down after the last, and checked by each test; and the check that nothing
 * but the bed's own sshd is left in any of its namespaces. Criterion runs
 * each test in a process of its own, so how the bed came up travels in two
 * files: the inventory it wrote, or the error.
 *
 *     static const bed_fixture bed = {TWICE_PATH, "/tmp/x-bed.json", "/tmp/x-bed.err"};
 *     ReportHook(PRE_ALL)(struct criterion_test_set *t) { (void)t; bed_up(&bed, args); }
 *     ReportHook(POST_ALL)(struct criterion_global_stats *s) { (void)s; bed_down(&bed); }
 */
#ifndef TWICE_TEST_BED_FIXTURE_H
#define TWICE_TEST_BED_FIXTURE_H

#include <stddef.h>
#include <sys/types.h>

/* The namespaces the bed makes are named PREFIX + a tag + "-s0", "-c0"... */
#define BED_NETNS_DIR "/run/netns"
#define BED_NETNS_PREFIX "twice-tb-"

/* How long a step lasts that a test stops mid-run (a signal to twice, a dropped connection).
 * The bed's own traffic can keep the test's process off the CPU for many seconds on a 2-core
 * machine (20 s seen), so a short step may end before the test acts, and the test would see a
 * normal end. twice stops as soon as the test acts: a long step costs nothing when it passes. */
#define BED_MID_RUN_S 90

typedef struct bed_fixture {
    const char *twice;     /* the twice binary */
    const char *inventory; /* where the bed writes its inventory */
    const char *error;     /* where bed_up writes why the bed did not come up */
} bed_fixture;

/** `twice testbed up ARGS... --inventory INVENTORY` (args NULL-terminated), as root only, once
 * another suite's bed is gone; why it failed goes to the error file. */
void bed_up(const bed_fixture *b, const char *const args[]);
/** `twice testbed down`, as root only. */
void bed_down(const bed_fixture *b);
/** For a suite's init: skips the test without root (what says what needs it), fails it when
 * the bed did not come up, saying why. */
void bed_require(const bed_fixture *b, const char *what);
/** Every process that is not an sshd in the bed's namespaces whose names end with suffix ("":
 * all of them), listed in what; their count. */
int bed_strays_on(const char *suffix, char *what, size_t len);
/** Polls until no stray is left on the hosts whose namespaces end with suffix ("": all), up to
 * timeout_ms; fails the test naming them otherwise (after: what they outlived). */
void bed_assert_nothing_left_on(const char *suffix, int timeout_ms, const char *after);
/** The ssh master connections (ssh -M) among twice's children, those to host only when it is
 * not NULL (a word of their command line, e.g. "root@198.18.0.12"), at most max; their count. */
size_t bed_ssh_masters_of(pid_t twice, const char *host, pid_t *masters, size_t max);

#endif
