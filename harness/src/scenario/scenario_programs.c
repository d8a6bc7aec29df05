/*
 * scenario_programs.c - see scenario_programs.h. A program is looked up as
 * the shell will look it up: a word with a '/' is a path (relative to the
 * folder the command runs in), any other is searched on $PATH. gunicorn's
 * gevent worker class needs gevent in the Python that gunicorn runs on, the
 * interpreter its #! line names: a python3 earlier on $PATH (a virtualenv,
 * pyenv) may lack it while gunicorn's own has it, or the other way round.
 */
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "message_text.h"
#include "scenario_programs.h"

extern char **environ;

#define WORD_MAX 256

/* Which Debian package brings a program; NULL for one twice does not know. */
static const char *package_of(const char *program)
{
    static const struct {
        const char *program, *package;
    } packages[] = {
        {"gunicorn", "gunicorn"},
        {"gunicorn3", "gunicorn"},
        {"nginx", "nginx-light"},
        {"python3", "python3"},
        {"wrk", "wrk"},
        {"haproxy", "haproxy"},
        {"flask", "python3-flask"},
    };
    for (size_t i = 0; i < sizeof(packages) / sizeof(packages[0]); i++) {
        if (strcmp(packages[i].program, program) == 0)
            return packages[i].package;
    }
    return NULL;
}

/* The next blank-separated word of *at into word (at most WORD_MAX - 1 bytes); 0 at the end. */
static int next_word(const char **at, char *word)
{
    const char *p = *at + strspn(*at, " \t\n");
    size_t len = strcspn(p, " \t\n");
    if (len == 0 || len >= WORD_MAX)
        return 0;
    memcpy(word, p, len);
    word[len] = '\0';
    *at = p + len;
    return 1;
}

/* 1 when word assigns a variable for the command (NAME=value). */
static int is_assignment(const char *word)
{
    size_t name = strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    return name > 0 && word[name] == '=' && !(word[0] >= '0' && word[0] <= '9');
}

/* 1 when the shell, not a program on disk, decides what word runs. */
static int shell_decides(const char *word)
{
    static const char *const builtins[] = {"cd",     ".",     ":",    "eval", "set", "export",
                                           "ulimit", "umask", "trap", "true", "if",  "for",
                                           "while",  "case",  "{",    "(",    NULL};
    if (strpbrk(word, "$`\"'\\(){}<>|;&*?[~") != NULL)
        return 1;
    for (const char *const *b = builtins; *b != NULL; b++) {
        if (strcmp(word, *b) == 0)
            return 1;
    }
    return 0;
}

/* 1 when path is a file this process may execute. */
static int executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Where program runs from, into found: a path as it is (relative to cwd), or the first
 * match on $PATH. 1 when found. */
static int find_program(const char *program, const char *cwd, char *found, size_t len)
{
    if (strchr(program, '/') != NULL) {
        if (program[0] == '/' || cwd == NULL)
            snprintf(found, len, "%s", program);
        else
            snprintf(found, len, "%s/%s", cwd, program);
        return executable(found);
    }
    const char *path = getenv("PATH") != NULL ? getenv("PATH") : "/usr/bin:/bin";
    for (const char *dir = path;; dir++) {
        size_t n = strcspn(dir, ":");
        snprintf(found, len, "%.*s/%s", (int)n, n == 0 ? "." : dir, program);
        if (executable(found))
            return 1;
        dir += n;
        if (*dir == '\0')
            return 0;
    }
}

/* 1 when the rest of a gunicorn command line asks for the gevent worker class. */
static int wants_gevent(const char *args)
{
    char word[WORD_MAX], previous[WORD_MAX] = "";
    while (next_word(&args, word)) {
        int flag = strcmp(previous, "-k") == 0 || strcmp(previous, "--worker-class") == 0;
        if ((flag && strcmp(word, "gevent") == 0) || strcmp(word, "-kgevent") == 0 ||
            strcmp(word, "--worker-class=gevent") == 0)
            return 1;
        snprintf(previous, sizeof(previous), "%s", word);
    }
    return 0;
}

/* The interpreter a script's #! line names ("#!/usr/bin/env python3" names python3), into
 * python; python3 when the line names none. */
static void interpreter_of(const char *script, char *python, size_t len)
{
    char line[WORD_MAX] = "", word[WORD_MAX] = "";
    const char *at = line + 2;
    FILE *f = fopen(script, "r");
    int named = f != NULL && fgets(line, sizeof(line), f) != NULL && strncmp(line, "#!", 2) == 0 &&
                next_word(&at, word);
    if (f != NULL)
        fclose(f);
    const char *slash = strrchr(word, '/');
    if (named && strcmp(slash != NULL ? slash + 1 : word, "env") == 0)
        named = next_word(&at, word);
    snprintf(python, len, "%s", named ? word : "python3");
}

/* 1 when python can import module (its output thrown away). */
static int imports(const char *python, const char *module)
{
    char statement[64];
    snprintf(statement, sizeof(statement), "import %s", module);
    char *argv[] = {(char *)python, "-c", statement, NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    pid_t pid;
    int status = -1;
    if (posix_spawnp(&pid, python, &actions, NULL, argv, environ) == 0 &&
        waitpid(pid, &status, 0) != pid)
        status = -1;
    posix_spawn_file_actions_destroy(&actions);
    return status == 0;
}

/* Writes "FILE:LINE:COLUMN: targets[3].command: " into err; returns how much it wrote. */
static size_t at_command(const scenario *sc, const scenario_target *t, char *err, size_t errlen)
{
    int n = snprintf(err, errlen, "%s:%d:%d: %s.command: ", sc->path, t->command_line,
                     t->command_column, t->where);
    return n > 0 && (size_t)n < errlen ? (size_t)n : errlen - 1;
}

/* "is not installed (apt-get install P)" or, for a program without a known package, what
 * was looked for. */
static void not_installed(char *out, size_t len, const char *program)
{
    char quoted[MESSAGE_QUOTE_SIZE];
    const char *package = package_of(program);
    message_quote(quoted, sizeof(quoted), program);
    if (strchr(program, '/') != NULL)
        snprintf(out, len, "%s is not an executable file", quoted);
    else if (package != NULL)
        snprintf(out, len, "%s is not installed (apt-get install %s)", quoted, package);
    else
        snprintf(out, len, "%s is not installed: no such program on $PATH", quoted);
}

static int check_command(const scenario *sc, const scenario_target *t, char *err, size_t errlen)
{
    const char *at = t->command;
    char program[WORD_MAX], found[PATH_MAX];
    while (next_word(&at, program) && (is_assignment(program) || strcmp(program, "exec") == 0))
        ;
    if (program[0] == '\0' || shell_decides(program))
        return 0;
    size_t used = at_command(sc, t, err, errlen);
    if (!find_program(program, t->cwd_path, found, sizeof(found))) {
        not_installed(err + used, errlen - used, program);
        return -1;
    }
    const char *base = strrchr(program, '/') != NULL ? strrchr(program, '/') + 1 : program;
    char python[WORD_MAX];
    if (strncmp(base, "gunicorn", 8) == 0 && wants_gevent(at)) {
        interpreter_of(found, python, sizeof(python));
        if (!imports(python, "gevent")) {
            snprintf(err + used, errlen - used,
                     "gunicorn's gevent worker class needs gevent, which %s cannot import "
                     "(apt-get install python3-gevent)",
                     python);
            return -1;
        }
    }
    err[0] = '\0';
    return 0;
}

int scenario_check_programs(const scenario *sc, int servers_here, int load_here, char *err,
                            size_t errlen)
{
    char found[PATH_MAX];
    /* A client host elsewhere is checked for wrk when the run opens it (load_runner.h). */
    if (load_here && !find_program("wrk", NULL, found, sizeof(found))) {
        snprintf(err, errlen, "%s: ", sc->path);
        not_installed(err + strlen(err), errlen - strlen(err), "wrk");
        snprintf(err + strlen(err), errlen - strlen(err), "; twice drives the load with it");
        return -1;
    }
    for (size_t i = 0; servers_here && i < sc->ntargets; i++) {
        if (sc->targets[i].kind == SCENARIO_TARGET_COMMAND &&
            check_command(sc, &sc->targets[i], err, errlen) != 0)
            return -1;
    }
    return 0;
}
