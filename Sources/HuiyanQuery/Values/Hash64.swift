import CXXHash

/// 64-bit hashing of key values, the same on every thread and for every pool a string comes from.
enum Hash64 {
    /// A final mixer (splitmix64): spreads a word over every bit.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The hash of every entry of a pool, by its bytes.
    static func entries(of pool: StringPool) -> [UInt64] {
        let dictionary = pool.dictionary
        return (0..<pool.count).map { code in
            dictionary.withBytes(at: code) { XXH3_64bits($0.baseAddress, $0.count) }
        }
    }

    /// Combines the hash of each selected row's value of `v` into `hashes` (NULL, -0.0 and NaN hash as
    /// their equal values do in a group table). `entryHashes` gives a string vector's pool entries' hashes.
    static func combine(_ v: Vector, _ batch: Batch, entryHashes: [UInt64]?, into hashes: inout [UInt64]) {
        let nulls = v.nulls
        hashes.withUnsafeMutableBufferPointer { h in
            if v.type == .float64 {
                v.doubles.withUnsafeBufferPointer { d in
                    batch.forEachSelected { i in
                        let word = nulls.map { $0[i] != 0 } ?? false ? 0x5151 : UInt64(bitPattern: GroupTable.keyWord(d[i]))
                        h[i] = mix(h[i] ^ word)
                    }
                }
            } else if let entryHashes {
                entryHashes.withUnsafeBufferPointer { e in
                    v.ints.withUnsafeBufferPointer { codes in
                        batch.forEachSelected { i in
                            let word = nulls.map { $0[i] != 0 } ?? false ? 0x5151 : e[Int(codes[i])]
                            h[i] = mix(h[i] ^ word)
                        }
                    }
                }
            } else {
                v.ints.withUnsafeBufferPointer { x in
                    batch.forEachSelected { i in
                        let word = nulls.map { $0[i] != 0 } ?? false ? 0x5151 : UInt64(bitPattern: x[i])
                        h[i] = mix(h[i] ^ word)
                    }
                }
            }
        }
    }
}
