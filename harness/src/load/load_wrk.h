/*
 * load_wrk.h - one client's wrk command (load_wrk.c): its argv and its
 * environment for the harness's script, the same wherever a runner starts it
 * (a runner on another host puts its copy of the script in the script's word).
 */
#ifndef TWICE_LOAD_WRK_H
#define TWICE_LOAD_WRK_H

#include "load.h"

typedef struct load_command {
    char *argv[13];     /* NULL-terminated */
    size_t script_word; /* argv[script_word] is the script's path on this machine */
    char *env[4];       /* NULL-terminated */
    char threads[16], connections[16], duration[32], check_env[64];
    char *url, *route_env, *servers_env; /* malloc'd */
} load_command;

/**
 * The command for a client with connections and threads of spec's load, its direct-front
 * threads starting at server first. 0, or -1 with err (out of memory; nothing to free).
 */
int load_command_build(const load_spec *spec, unsigned connections, unsigned threads,
                       unsigned first, load_command *cmd, char *err, size_t errlen);
void load_command_free(load_command *cmd);

#endif
