/*
 * bind_hint.h - what to tell someone whose server could not bind its port
 * (bind_hint.c). Under the reuseport front every server binds the same
 * port, which the kernel allows only when each one sets SO_REUSEPORT; most
 * servers do not by default (gunicorn needs --reuse-port), so the second
 * one fails with "Address already in use". The server's own message says
 * so in its words; this says what to change.
 */
#ifndef TWICE_BIND_HINT_H
#define TWICE_BIND_HINT_H

#include <stddef.h>

/** 1 when a server's stderr says its address was in use: "Address already in use"
 * (strerror, nginx, HAProxy), "Connection in use" (gunicorn), or "EADDRINUSE". */
int bind_hint_address_in_use(const char *stderr_text);
/** The advice for a server whose shared port was in use, for the middle of a message
 * (static). */
const char *bind_hint_reuseport(void);

#endif
