/*
 * arena.c - the memory of one exchange. Everything a request and its
 * response allocate (header copies, decoded parameters, the body) comes from
 * here and goes in one release when the exchange ends, so handlers never
 * free what the framework hands them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define TW_ARENA_ALIGN 16

void tw__arena_init(tw_arena *arena)
{
    arena->cur = arena->first;
    arena->left = sizeof(arena->first);
    arena->chunks = NULL;
}

void tw__arena_release(tw_arena *arena)
{
    tw_arena_chunk *chunk = arena->chunks;
    while (chunk != NULL) {
        tw_arena_chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    tw__arena_init(arena);
}

void *tw__arena_alloc(tw_arena *arena, size_t size)
{
    size_t pad = (TW_ARENA_ALIGN - ((uintptr_t)arena->cur % TW_ARENA_ALIGN)) % TW_ARENA_ALIGN;
    if (pad + size > arena->left) {
        /* Chunks double with the arena's use, so a large body costs few allocations. */
        size_t want = arena->chunks != NULL ? arena->chunks->size * 2 : 8192;
        if (want < size + TW_ARENA_ALIGN)
            want = size + TW_ARENA_ALIGN;
        tw_arena_chunk *chunk = malloc(sizeof(*chunk) + want);
        if (chunk == NULL) {
            fprintf(stderr, "twice: out of memory allocating %zu bytes for a request\n", size);
            abort();
        }
        chunk->next = arena->chunks;
        chunk->size = want;
        arena->chunks = chunk;
        arena->cur = chunk->data;
        arena->left = want;
        pad = (TW_ARENA_ALIGN - ((uintptr_t)arena->cur % TW_ARENA_ALIGN)) % TW_ARENA_ALIGN;
    }
    void *p = arena->cur + pad;
    arena->cur += pad + size;
    arena->left -= pad + size;
    return p;
}

char *tw__arena_strndup(tw_arena *arena, const char *s, size_t len)
{
    char *copy = tw__arena_alloc(arena, len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *tw__arena_strdup(tw_arena *arena, const char *s)
{
    return tw__arena_strndup(arena, s, strlen(s));
}

char *tw__arena_vprintf(tw_arena *arena, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    if (len < 0)
        len = 0;
    char *out = tw__arena_alloc(arena, (size_t)len + 1);
    vsnprintf(out, (size_t)len + 1, fmt, again);
    va_end(again);
    return out;
}

int tw__grow(void **items, size_t *cap, size_t count, size_t elem_size)
{
    if (count < *cap)
        return TW_OK;
    size_t new_cap = *cap != 0 ? *cap * 2 : 4;
    void *grown = realloc(*items, new_cap * elem_size);
    if (grown == NULL)
        return TW_FAIL;
    *items = grown;
    *cap = new_cap;
    return TW_OK;
}
