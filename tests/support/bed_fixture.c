/*
 * bed_fixture.c - see bed_fixture.h. Namespaces are listed from /run/netns and
 * their processes with `ip netns pids`; a process is named by its comm.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_process.h"
#include "bed_fixture.h"

void bed_up(const bed_fixture *b, const char *const args[])
{
    if (geteuid() != 0)
        return;
    const char *argv[24] = {"testbed", "up"};
    size_t n = 2;
    for (size_t i = 0; args[i] != NULL && n < 20; i++)
        argv[n++] = args[i];
    argv[n++] = "--inventory";
    argv[n++] = b->inventory;
    argv[n] = NULL;
    char *out = NULL, *err = NULL;
    unlink(b->inventory);
    unlink(b->error);
    /* One bed per machine: another suite's goes first. */
    for (int waited = 0; waited < 300000 && access("/run/twice-testbed", F_OK) == 0; waited += 500)
        sleep_ms(500);
    int status = run_capturing(b->twice, argv, 60000, &out, &err);
    FILE *f = status != 0 ? fopen(b->error, "w") : NULL;
    if (f != NULL) {
        fprintf(f, "status %d: %s", status, err != NULL ? err : "");
        fclose(f);
    }
    free(out);
    free(err);
}

void bed_down(const bed_fixture *b)
{
    if (geteuid() != 0)
        return;
    char *err = NULL;
    run_to_exit(b->twice, (const char *const[]){"testbed", "down", NULL}, 60000, &err);
    free(err);
    unlink(b->error);
}

void bed_require(const bed_fixture *b, const char *what)
{
    if (geteuid() != 0)
        cr_skip_test("%s need root for the test bed (namespaces, sshd)", what);
    char why[2048] = "";
    FILE *f = fopen(b->error, "r");
    if (f != NULL) {
        size_t got = fread(why, 1, sizeof(why) - 1, f);
        why[got] = '\0';
        fclose(f);
    }
    cr_assert(access(b->inventory, F_OK) == 0, "the test bed did not come up: %s", why);
}

int bed_strays_on(const char *suffix, char *what, size_t len)
{
    DIR *d = opendir(BED_NETNS_DIR);
    struct dirent *e;
    int n = 0;
    what[0] = '\0';
    while (d != NULL && (e = readdir(d)) != NULL) {
        size_t name_len = strlen(e->d_name);
        if (strncmp(e->d_name, BED_NETNS_PREFIX, strlen(BED_NETNS_PREFIX)) != 0 ||
            name_len < strlen(suffix) || strcmp(e->d_name + name_len - strlen(suffix), suffix) != 0)
            continue;
        char *pids = NULL, *err = NULL;
        run_capturing("ip", (const char *const[]){"netns", "pids", e->d_name, NULL}, 10000, &pids,
                      &err);
        free(err);
        for (char *p = pids, *end; p != NULL && *p != '\0'; p = end) {
            long pid = strtol(p, &end, 10);
            if (end == p)
                break;
            char path[64], comm[64] = "";
            snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
            FILE *f = fopen(path, "r");
            if (f != NULL && fgets(comm, sizeof(comm), f) != NULL)
                comm[strcspn(comm, "\n")] = '\0';
            if (f != NULL)
                fclose(f);
            if (comm[0] != '\0' && strcmp(comm, "sshd") != 0 && process_alive((pid_t)pid)) {
                n++;
                snprintf(what + strlen(what), len - strlen(what), " %s:%ld(%s)", e->d_name, pid,
                         comm);
            }
        }
        free(pids);
    }
    if (d != NULL)
        closedir(d);
    return n;
}

void bed_assert_nothing_left_on(const char *suffix, int timeout_ms, const char *after)
{
    char what[4096];
    for (int waited = 0; waited <= timeout_ms; waited += 100) {
        if (bed_strays_on(suffix, what, sizeof(what)) == 0)
            return;
        sleep_ms(100);
    }
    cr_assert_fail("left on the hosts after %s:%s", after, what);
}

/* 1 when word is one of the NUL-separated words of cmdline (len bytes). */
static int has_word(const char *cmdline, size_t len, const char *word)
{
    for (size_t at = 0; at < len; at += strlen(cmdline + at) + 1) {
        if (strcmp(cmdline + at, word) == 0)
            return 1;
    }
    return 0;
}

size_t bed_ssh_masters_of(pid_t twice, const char *host, pid_t *masters, size_t max)
{
    size_t n, found = 0;
    pid_t *children = children_of(twice, &n);
    for (size_t i = 0; i < n; i++) {
        char path[64], cmdline[4096];
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)children[i]);
        int fd = open(path, O_RDONLY);
        ssize_t got = fd >= 0 ? read(fd, cmdline, sizeof(cmdline) - 1) : -1;
        if (fd >= 0)
            close(fd);
        if (got <= 0)
            continue;
        cmdline[got] = '\0';
        if (has_word(cmdline, (size_t)got, "-M") &&
            (host == NULL || has_word(cmdline, (size_t)got, host)) && found < max)
            masters[found++] = children[i];
    }
    free(children);
    return found;
}
