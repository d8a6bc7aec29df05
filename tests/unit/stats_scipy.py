#!/usr/bin/python3
"""The expected p-values of test_stats.c's Mann-Whitney cases, from SciPy
(Debian python3-scipy 1.10): run it and copy its output into the test when a
case changes. "exact" cases have no ties and are computed with method="exact";
the others with method="asymptotic" (tie correction, continuity correction),
as mann_whitney_test does."""
from scipy.stats import mannwhitneyu

CASES = [
    ("exact", [1.1, 2.3, 3.2], [4.5, 5.1, 6.7]),
    ("exact", [10, 12, 14, 16, 18], [11, 13, 15, 17, 19]),
    ("exact", [5.0, 7.5, 9.1, 3.3, 8.8, 6.2, 4.4], [1.0, 2.2, 0.5, 3.1]),
    ("exact", [101.0, 99.5, 100.4, 102.2, 98.7, 100.9, 101.6, 99.1, 100.2, 103.0,
               97.9, 100.7], [96.1, 98.2, 97.4, 99.8, 95.5, 97.0, 98.9, 96.8, 97.7, 99.3]),
    ("asymptotic", [1, 2, 2, 3, 3, 3], [2, 3, 4, 4, 5, 5]),
    ("asymptotic", [7, 7, 7, 8], [7, 7, 9, 9, 9]),
    ("asymptotic", list(range(60)), [v + 0.5 for v in range(10, 70)]),
]

for method, a, b in CASES:
    r = mannwhitneyu(a, b, alternative="two-sided", method=method)
    print("%-10s U1 = %-6g p = %.12g" % (method, r.statistic, r.pvalue))

# rng.c's xoshiro256** seeded by splitmix64, transcribed from the reference C at
# https://prng.di.unimi.it/ for test_stats.c's seeded vector (rng_seed(42)).
M = (1 << 64) - 1


def splitmix64(s):
    s = (s + 0x9E3779B97F4A7C15) & M
    z = s
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return s, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


def xoshiro(seed, count):
    state, s = [], seed
    for _ in range(4):
        s, z = splitmix64(s)
        state.append(z)
    for _ in range(count):
        result = (rotl((state[1] * 5) & M, 7) * 9) & M
        t = (state[1] << 17) & M
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
        yield result


print("rng_seed(42):", ", ".join("0x%016x" % v for v in xoshiro(42, 4)))
