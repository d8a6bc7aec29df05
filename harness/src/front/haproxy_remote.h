/*
 * haproxy_remote.h - HAProxy on another host, the inventory's "balancer"
 * (haproxy_remote.c). The host has no source tree and nothing of twice: the
 * configuration travels as an argument of the command, and a small sh script
 * on the host writes it into a temporary folder (mktemp -d), starts HAProxy
 * from it, says HAProxy's pid and the host's clock tick on stdout, and
 * removes the folder when it ends. The script runs under the supervisor
 * (supervisor.h) whose stdin is a pipe twice holds through ssh: HAProxy, its
 * script and the folder go when the step ends, when twice dies however it
 * dies, and when the connection drops.
 *
 * HAProxy's CPU time is read on the host from /proc (its pid's utime and
 * stime) together with the host's /proc/uptime, so that the window's length
 * is the host's own, with no ssh round trip in it.
 */
#ifndef TWICE_HAPROXY_REMOTE_H
#define TWICE_HAPROXY_REMOTE_H

#include <stddef.h>
#include <sys/types.h>

#include "inventory.h"
#include "ssh_host.h"

/* The name of the script's temporary folder on the host, before mktemp's XXXXXX. */
#define HAPROXY_REMOTE_DIR_PREFIX "twice-haproxy-host-"

typedef struct haproxy_remote {
    ssh_host host;    /* the balancer host's connection (opened by start) */
    pid_t pid;        /* the ssh client carrying the supervised HAProxy; 0 once it ended */
    int stdin_fd;     /* the supervisor's stdin: closing it stops HAProxy on the host */
    int stdout_fd;    /* what the script says: "haproxy PID TICKS" */
    long haproxy_pid; /* HAProxy's pid on the host; 0 until the script said it */
    long ticks;       /* the host's clock ticks per second (getconf CLK_TCK) */
} haproxy_remote;

/** A CPU sample of HAProxy on its host. */
typedef struct haproxy_remote_cpu {
    double cpu_s;   /* its user and system time */
    double clock_s; /* the host's uptime when it was read */
} haproxy_remote_cpu;

/**
 * Starts program (HAProxy) on inv's balancer host with the configuration text config, its
 * stderr and ssh's to stderr_fd. 0 with r running (the caller waits until it answers), or -1
 * with err naming the host (r is then stopped). r must be stopped with haproxy_remote_stop
 * either way.
 */
int haproxy_remote_start(haproxy_remote *r, const inventory *inv, const char *program,
                         const char *config, int stderr_fd, char *err, size_t errlen);
/** Reads HAProxy's CPU time on its host into *out. 0, or -1 with err saying why it cannot be
 * read (the script never said HAProxy's pid, ssh failed, /proc said something else). */
int haproxy_remote_sample(haproxy_remote *r, haproxy_remote_cpu *out, char *err, size_t errlen);
/** Stops HAProxy on the host (its supervisor's stdin closed, then the ssh client killed if it
 * lingers) and closes the connection. Safe on an r never started, and twice. */
void haproxy_remote_stop(haproxy_remote *r);

/**
 * Reads what `cat /proc/uptime /proc/PID/stat` printed, with the host's ticks per second:
 * 0 with *out, or -1 with err saying what is wrong with text.
 */
int haproxy_remote_parse_cpu(const char *text, long ticks, haproxy_remote_cpu *out, char *err,
                             size_t errlen);
/** Reads the script's announcement "haproxy PID TICKS" from text (the first such line): 0 with
 * *pid and *ticks, or -1 when text holds none yet. */
int haproxy_remote_parse_announcement(const char *text, long *pid, long *ticks);
/**
 * 0 when program (HAProxy) is on inv's balancer host, an ssh host; -1 with err naming the host
 * and, when it is missing, the Debian package that brings it.
 */
int haproxy_remote_check(const inventory *inv, const char *program, char *err, size_t errlen);

#endif
