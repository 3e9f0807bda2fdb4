// RELULAB_AVX2_CLONE: compile a hot loop twice, for the baseline x86-64 and
// for AVX2, and pick at load time. The lab library is built for the
// baseline (SSE2), so a loop the compiler vectorises runs four floats wide
// unless it is cloned; GCC's target_clones (ifunc) on x86-64 Linux, nothing
// elsewhere.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define RELULAB_AVX2_CLONE __attribute__((target_clones("avx2", "default")))
#else
#define RELULAB_AVX2_CLONE
#endif
