/*
 * remove_tree.h - removing a directory and everything under it
 * (remove_tree.c): the scratch directories twice makes (a test bed's state,
 * a database's data directory) go whole.
 */
#ifndef TWICE_REMOVE_TREE_H
#define TWICE_REMOVE_TREE_H

/** Removes dir and everything under it, following no symbolic link. 0 (also when dir does not
 * exist), or -1 with errno set by the first entry that could not be removed. */
int remove_tree(const char *dir);

#endif
