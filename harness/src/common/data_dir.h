/*
 * data_dir.h - where twice finds the files it ships beside itself (data_dir.c).
 */
#ifndef TWICE_DATA_DIR_H
#define TWICE_DATA_DIR_H

/**
 * The wrk script: $TWICE_LUA when set, else twice.lua in the data directory, found from
 * this executable's own location (TWICE_DATA_FROM_BIN, e.g. "../share/twice"). Computed
 * once; the string stays valid for the life of the process.
 */
const char *data_dir_lua_script(void);

#endif
