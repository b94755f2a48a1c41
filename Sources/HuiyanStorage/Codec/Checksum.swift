import CXXHash

/// Checksums and content hashes through the system libxxhash (XXH3).
package enum Checksum {
    /// XXH3-64 of a byte range: the checksum of blocks, dictionaries, footers and manifests.
    @inlinable
    package static func xxh3(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        XXH3_64bits(bytes.baseAddress, bytes.count)
    }

    package static func xxh3(of bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { xxh3($0) }
    }

    /// XXH3-64 with a seed, for hash tables that must not share one hash function.
    @inlinable
    package static func xxh3(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        XXH3_64bits_withSeed(bytes.baseAddress, bytes.count, seed)
    }
}

/// An incremental XXH3-128 over a stream of bytes: identifies an input file by its content.
package final class ContentHasher {
    private let state: OpaquePointer

    package init() {
        state = XXH3_createState()
        XXH3_128bits_reset(state)
    }

    deinit { XXH3_freeState(state) }

    package func update(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count > 0 { XXH3_128bits_update(state, bytes.baseAddress, bytes.count) }
    }

    /// The digest as 32 lower-case hex digits.
    package func hexDigest() -> String {
        let digest = XXH3_128bits_digest(state)
        return hex(digest.high64) + hex(digest.low64)
    }

    private func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
