/*
 * rng.h - a seeded pseudo-random generator that gives the same numbers on
 * every machine and libc (rng.c): xoshiro256** (Blackman and Vigna), its state
 * seeded from one 64-bit value through splitmix64, as its authors recommend.
 * For shuffles and resampling, where a run must be reproducible from the seed
 * in its report; not for anything secret.
 */
#ifndef TWICE_RNG_H
#define TWICE_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
} rng;

/** Seeds r from seed; every seed, 0 included, gives a usable state. */
void rng_seed(rng *r, uint64_t seed);
/** The next 64 random bits. */
uint64_t rng_next(rng *r);
/** A uniform double in [0, 1), from the top 53 bits. */
double rng_uniform(rng *r);
/** A uniform integer in [0, bound), without modulo bias; bound >= 1. */
uint64_t rng_below(rng *r, uint64_t bound);
/** order[0..n) becomes a uniformly random permutation of 0..n-1 (Fisher-Yates). */
void rng_permutation(rng *r, size_t *order, size_t n);
/** One step of splitmix64 on *state: the seeding function, exposed for its test vectors. */
uint64_t rng_splitmix64(uint64_t *state);

#endif
