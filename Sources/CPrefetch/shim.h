/* Asks the processor to start loading the cache line of an address that a loop will write soon. */
static inline void huiyan_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }
