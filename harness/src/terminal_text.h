/*
 * terminal_text.h - strings from a file, made safe for a terminal
 * (terminal_text.c): a report's model names or notes can hold escape
 * sequences that would move the cursor, retitle the window or hide a FAIL.
 */
#ifndef TWICE_TERMINAL_TEXT_H
#define TWICE_TERMINAL_TEXT_H

#include <stddef.h>
#include <stdio.h>

/** Writes s with every control character (C0, DEL, C1) as \xNN and backslash as \\; returns
 * the number of bytes written. */
size_t terminal_text(FILE *out, const char *s);
/** The same into buf (always terminated, cut to len - 1 bytes); returns buf. */
const char *terminal_quote(const char *s, char *buf, size_t len);

#endif
