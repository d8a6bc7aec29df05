/*
 * bind_hint.c - see bind_hint.h. The phrases are the ones the servers people
 * point Twice at print: libc's strerror(EADDRINUSE), which nginx, HAProxy
 * and most C servers show, gunicorn's own "Connection in use", and the
 * errno's name, which Node and Go servers print.
 */
#include <string.h>

#include "bind_hint.h"

int bind_hint_address_in_use(const char *stderr_text)
{
    static const char *const phrases[] = {"Address already in use", "Connection in use",
                                          "EADDRINUSE", NULL};
    for (const char *const *p = phrases; *p != NULL; p++) {
        if (strstr(stderr_text, *p) != NULL)
            return 1;
    }
    return 0;
}

const char *bind_hint_reuseport(void)
{
    return "its port was in use: under the reuseport front every server binds the same port, "
           "so each must set SO_REUSEPORT (gunicorn: --reuse-port), or the scenario must use "
           "another front (\"front\": \"direct\", or HAProxy)";
}
