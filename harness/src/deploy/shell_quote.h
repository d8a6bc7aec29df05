/*
 * shell_quote.h - a command line for a remote shell (shell_quote.c). ssh
 * hands the remote side one string, which the remote user's shell splits
 * again: each word must reach the far end exactly as it left, whatever
 * spaces, quotes, '$', ';' or backquotes it holds. Every word is put in
 * single quotes, where a POSIX shell expands nothing; a single quote inside
 * one is closed, escaped and reopened ('\'').
 */
#ifndef TWICE_SHELL_QUOTE_H
#define TWICE_SHELL_QUOTE_H

/** words (NULL-terminated) as one shell command line, each word single-quoted and the words
 * separated by one space (malloc'd; NULL without memory). */
char *shell_quote_words(const char *const words[]);

#endif
