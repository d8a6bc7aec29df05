/*
 * front_direct.c - no front at all: each server has its own port, and wrk
 * points each of its threads at one of them (thread i at server i mod N, see
 * harness/lua/twice.lua), so the spread is exactly as even as the threads.
 */
#include "front.h"
#include "front_plain.h"

static int direct_start(front_run *fr, const front_spec *spec, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    front_plain_target(fr, &front_direct, spec->ports, spec->n);
    return 0;
}

const front front_direct = {
    "direct",        0, 1, 0, NULL, NULL, direct_start, front_plain_mark, front_plain_collect,
    front_plain_stop};
