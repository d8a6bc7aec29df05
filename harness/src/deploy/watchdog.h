/*
 * watchdog.h - the process that makes sure nothing twice starts outlives it
 * (watchdog.c). PR_SET_PDEATHSIG reaches only a direct child: a server
 * started through a shell, or one that forks helpers, has grandchildren the
 * kernel would leave running when twice is SIGKILLed. So twice tells a
 * process of its own, as it goes, which process groups and cgroups hold what
 * it started, and which folders it made; once twice is gone, whatever the
 * reason (its end of a socket closes), the watchdog kills all of them and
 * removes the cgroups and the folders.
 *
 * The watchdog starts with the first thing it is asked to watch. Twice's
 * unit tests that start no process never start one.
 */
#ifndef TWICE_WATCHDOG_H
#define TWICE_WATCHDOG_H

#include <stddef.h>
#include <sys/types.h>

/** Has process group pgid killed if twice dies. 0, or -1 with err (no watchdog could be
 * started, or it is gone): then nothing may be started in that group. */
int watchdog_watch_group(pid_t pgid, char *err, size_t errlen);
/** Process group pgid is gone: the watchdog must not signal that number any more. */
void watchdog_forget_group(pid_t pgid);
/** Has every process of cgroup dir killed and dir removed if twice dies; a dir watched later
 * (a child group) is removed before those watched earlier. 0, or -1 with err. */
int watchdog_watch_cgroup(const char *dir, char *err, size_t errlen);
/** Cgroup dir was removed by twice itself. */
void watchdog_forget_cgroup(const char *dir);
/** Has folder dir and all it holds removed if twice dies, after the process groups are
 * killed (a private folder: a configuration, a socket). 0, or -1 with err. */
int watchdog_watch_dir(const char *dir, char *err, size_t errlen);
/** Folder dir was removed by twice itself. */
void watchdog_forget_dir(const char *dir);

#endif
