#ifndef CMALLOCCOUNTER_H
#define CMALLOCCOUNTER_H

#include <stdint.h>

/// Number of malloc, calloc, realloc, posix_memalign and aligned_alloc calls made by any thread since
/// the process started (the executable that links this target interposes glibc's allocator).
uint64_t cmalloccounter_allocations(void);

#endif
