#ifndef PARASEARCH_CSYSTEMMALLOC_SHIM_H
#define PARASEARCH_CSYSTEMMALLOC_SHIM_H
// The C library's allocator settings (glibc's `mallopt`, used only where Glibc is).
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
#endif
