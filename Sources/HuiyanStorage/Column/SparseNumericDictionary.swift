import Foundation

/// A numeric dictionary (§7.1) read a few entries at a time, by several threads: its numbers are decoded as far as
/// the largest code asked for so far, each request going on from where the last one stopped
/// (`IntegerPrefixDecoder`), so that however its codes come the dictionary is decoded at most once in all, and
/// checked as it is. The numbers are not kept: the decoder's state at the start of every chunk of 1,024 is (a
/// checkpoint, about a hundred bytes), and a code below those decoded so far costs one chunk decoded again from
/// its checkpoint. The ten rows of a top-10 then decode a prefix of a million ids into a buffer that stays in the
/// cache, and hold a tenth of a kilobyte per thousand entries, not eight.
final class SparseNumericDictionary: @unchecked Sendable {
    // Sendable: every mutable property is read and written under `lock`.
    /// How many entries the dictionary has.
    let count: Int
    private let header: StringDictionary.NumericForm.Header
    /// Every number is below.
    private let top: Int64
    private let lock = NSLock()
    /// The decoder, past the last chunk decoded.
    private var decoder: IntegerPrefixDecoder
    /// The decoder's state at the start of each chunk decoded so far.
    private var checkpoints: [IntegerPrefixDecoder] = []
    /// The last number decoded (-1 before the first): the next must be larger.
    private var last = -1
    /// Holds the bytes the decoder reads (the segment's mapping or the buffer they were decompressed into).
    private let owner: AnyObject
    /// The error damaged numbers are reported as.
    private let damage: @Sendable () -> Error
    /// Whether a decode found damage (the decoder's state is then of no use).
    private var damaged = false

    /// The dictionary stored in `raw` (held alive by `owner`), of `expectedCount` entries (at most `limit`);
    /// throws when its header is damaged, and `damage()` when numbers decoded later are.
    init(_ raw: UnsafeRawBufferPointer, owner: AnyObject, expectedCount: Int, limit: Int, damage: @escaping @Sendable () -> Error) throws {
        header = try StringDictionary.NumericForm.Header(raw, expectedCount: expectedCount, limit: limit)
        count = header.count
        top = Int64(header.top)
        decoder = try IntegerPrefixDecoder(header.nested, count: count)
        self.owner = owner
        self.damage = damage
    }

    /// How many of the first entries were decoded.
    var decodedCount: Int { lock.withLock { decoder.decoded } }

    /// The bytes held: the checkpoints.
    var approximateBytes: Int { lock.withLock { checkpoints.count * MemoryLayout<IntegerPrefixDecoder>.stride } }

    /// The entries `codes` (increasing, each below `count`) as a form of their own: its number `k` is entry
    /// `codes[k]`'s. Throws `damage()` when numbers decoded for them are damaged.
    func entries(_ codes: [Int]) throws -> StringDictionary.NumericForm {
        try lock.withLock {
            do {
                guard !damaged else { throw ByteReader.OutOfBounds() }
                return StringDictionary.NumericForm(prefix: header.prefix, digits: header.digits, numbers: try numbers(codes))
            } catch {
                damaged = true
                throw damage()
            }
        }
    }

    /// The numbers of `codes`, decoding chunks past those decoded so far (checked) and again from their
    /// checkpoints those before.
    private func numbers(_ codes: [Int]) throws -> [Int] {
        var numbers: [Int] = []
        numbers.reserveCapacity(codes.count)
        try withUnsafeTemporaryAllocation(of: Int64.self, capacity: IntegerPrefixDecoder.chunk) { buffer in
            let chunk = buffer.baseAddress!
            // The values in `chunk`: those from `start` on, `held` of them.
            var start = 0, held = 0
            for code in codes {
                guard code >= 0, code < count else { throw ByteReader.OutOfBounds() }
                if code >= decoder.decoded {
                    while decoder.decoded <= code {
                        checkpoints.append(decoder)
                        // A chunk before the code's is gone past without its numbers when the encoding allows.
                        if decoder.nextEnd <= code, let end = try decoder.skipNext() {
                            guard end < top else { throw ByteReader.OutOfBounds() }
                            last = Int(end)
                            continue
                        }
                        start = decoder.decoded
                        held = try decoder.decodeNext(into: chunk)
                        guard held > 0 else { throw ByteReader.OutOfBounds() }
                        try chunk.withMemoryRebound(to: Int.self, capacity: held) {
                            try header.check(UnsafeBufferPointer(start: $0, count: held), after: last)
                        }
                        last = Int(chunk[held - 1])
                    }
                } else if code < start || code >= start + held {
                    // The last checkpoint at or before the code.
                    var lo = 0, hi = checkpoints.count
                    while hi - lo > 1 {
                        let mid = (lo + hi) / 2
                        if checkpoints[mid].decoded <= code { lo = mid } else { hi = mid }
                    }
                    var again = checkpoints[lo]
                    start = again.decoded
                    held = try again.decodeNext(into: chunk)
                }
                numbers.append(Int(chunk[code - start]))
            }
        }
        return numbers
    }
}
