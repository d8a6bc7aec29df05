/*
 * markup.h - escaping text for HTML and XML (markup.c), one rule for both
 * reports that write markup.
 */
#ifndef TWICE_MARKUP_H
#define TWICE_MARKUP_H

#include <stdio.h>

/**
 * Writes s (UTF-8) safe in element text and in attribute values of HTML and
 * XML 1.0: &, <, >, " and ' escaped; tab, newline and carriage return as
 * character references (an attribute keeps them); every character XML 1.0
 * forbids (other C0 controls, U+FFFE, U+FFFF) and DEL and C1 controls as
 * U+FFFD, the replacement character.
 */
void markup_escape(FILE *out, const char *s);

#endif
