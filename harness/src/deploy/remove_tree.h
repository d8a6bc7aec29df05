/*
 * remove_tree.h - removing a folder twice made and everything in it
 * (remove_tree.c): a test bed's state, HAProxy's private folder, by twice
 * itself or by its watchdog once twice is gone.
 */
#ifndef TWICE_REMOVE_TREE_H
#define TWICE_REMOVE_TREE_H

/** Removes dir and all it holds, never following a symbolic link out of it. 0 (also when dir
 * is already gone), or -1 with errno set by what could not be removed. */
int remove_tree(const char *dir);

#endif
