#if canImport(Glibc)
/// glibc's `malloc_trim` (declared in <malloc.h>, which the Glibc module does not import).
// swift-format-ignore: AlwaysUseLowerCamelCase
@_silgen_name("malloc_trim")
private func malloc_trim(_ pad: Int) -> Int32
#endif

/// What the query core asks of the allocator. The process-wide settings (when glibc keeps large blocks in
/// the heap) are the executable's, applied at its start-up (`AllocatorSettings` in HuiyanCLI).
enum AllocatorTuning {
    /// Gives the heap's free pages back to the system (they stay in the heap's reach otherwise): after a
    /// state of the size of the memory limit was freed and before another is built (an aggregation that
    /// starts again to spill), so that the process's resident memory stays near the limit.
    static func releaseFreeMemory() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
