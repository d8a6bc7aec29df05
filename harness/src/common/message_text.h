/*
 * message_text.h - how values read from a file are shown in messages
 * (message_text.c). A string is quoted and escaped, so that a name or key
 * holding terminal escape sequences, newlines or bytes that are not UTF-8
 * cannot rewrite the user's terminal, forge a line of output or hide a FAIL; a number is
 * printed with as many digits as it takes to be itself, so that "at most
 * 3600, got 3600.0001" never reads "got 3600". A sentence of several
 * figures is built in a buffer with message_append.
 */
#ifndef TWICE_MESSAGE_TEXT_H
#define TWICE_MESSAGE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/** Big enough for message_quote to show a short string whole. */
#define MESSAGE_QUOTE_SIZE 160
/** Big enough for any double message_number writes. */
#define MESSAGE_NUMBER_SIZE 32

/**
 * Writes s into buf (buflen > 40) in double quotes, with control characters, DEL, C1
 * controls and bytes that are not UTF-8 escaped (\n, \t, \", \\, \xHH, \u0085). What does
 * not fit ends in ..." and the length of s in bytes. Returns buf.
 */
const char *message_quote(char *buf, size_t buflen, const char *s);
/** The same escapes without the quotes (a double quote stays as it is), cut to what fits in
 * buflen - 1 bytes, for names in tables. Returns buf. */
const char *message_escape(char *buf, size_t buflen, const char *s);
/** The same escapes written to out, whole; returns the number of bytes written. */
size_t message_print(FILE *out, const char *s);
/** Writes v into buf (MESSAGE_NUMBER_SIZE bytes) in the fewest digits that read back as v.
 * Returns buf. */
const char *message_number(char *buf, double v);
/** Appends the formatted text to the text in buf (len bytes in all, NUL-terminated), cut where
 * it does not fit: how a sentence of several figures is built. */
void message_append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
