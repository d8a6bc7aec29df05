/*
 * markup.h - escaping text for HTML and XML (markup.c), one rule for both
 * reports that write markup.
 */
#ifndef TWICE_MARKUP_H
#define TWICE_MARKUP_H

#include <stdio.h>

/** Writes s with &, <, >, " and ' escaped, safe in element text and in attribute values. */
void markup_escape(FILE *out, const char *s);

#endif
