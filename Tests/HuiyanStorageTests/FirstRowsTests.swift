import XCTest
@testable import HuiyanStorage
import HuiyanTourism

/// The first rows at or above thresholds, found in a stored block of times in order without decoding it whole
/// (`IntegerBlockCodec.firstRows`), are the rows a search of the decoded values finds; blocks stored otherwise
/// give nil, and damaged ones an error.
final class FirstRowsTests: XCTestCase {
    /// Times in order over `days` days of opening hours (08:00–18:00), microseconds, `n` of them, with
    /// repeats (several visits in one second) and whole seconds or finer as the seed says.
    private func times(_ n: Int, days: Int, seed: UInt64, wholeSeconds: Bool) -> [Int64] {
        var rng = SplitMix64(seed: seed)
        let day: Int64 = 86_400_000_000, hour: Int64 = 3_600_000_000
        let start: Int64 = 1_735_660_800_000_000
        var times = (0..<n).map { _ -> Int64 in
            let d = Int64(rng.next() % UInt64(days))
            let t = Int64(rng.next() % UInt64(10 * hour))
            return start + d * day + 8 * hour + (wholeSeconds ? t / 1_000_000 * 1_000_000 : t)
        }
        times.sort()
        return times
    }

    /// What a search of the decoded values finds for each threshold.
    private func expected(_ values: [Int64], _ thresholds: [Int64]) -> [Int] {
        thresholds.map { threshold in values.firstIndex { $0 >= threshold } ?? values.count }
    }

    private func firstRows(_ encoded: [UInt8], count: Int, _ thresholds: [Int64]) throws -> [(row: Int, value: Int64)]? {
        try encoded.withUnsafeBytes { try IntegerBlockCodec.firstRows($0, count: count, atLeast: thresholds) }
    }

    func testRowsMatchASearchOfTheDecodedValues() throws {
        let hour: Int64 = 3_600_000_000
        var encodings: Set<UInt8> = []
        for (n, days, wholeSeconds) in [(1, 1, true), (2, 1, false), (9, 1, true), (129, 2, true), (1_025, 3, false),
                                        (5_000, 3, true), (65_536, 3, false), (65_536, 40, true)] {
            let values = times(n, days: days, seed: UInt64(n * days), wholeSeconds: wholeSeconds)
            var encoded: [UInt8] = []
            values.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &encoded) }
            // Every hour boundary over the span and beyond it, values themselves, and their neighbours.
            var thresholds: [Int64] = [Int64.min, values[0] - 1, values[0]]
            var h = values[0] / hour * hour
            while h <= values[n - 1] + hour { thresholds.append(h); h += hour }
            for k in stride(from: 0, to: n, by: Swift.max(1, n / 50)) { thresholds += [values[k] - 1, values[k], values[k] + 1] }
            thresholds += [values[n - 1], values[n - 1] + 1, Int64.max]
            thresholds.sort()
            guard let found = try firstRows(encoded, count: n, thresholds) else {
                XCTAssertTrue(encoded[0] != IntegerEncoding.delta.rawValue && encoded[0] != IntegerEncoding.deltaMiniBlocks.rawValue,
                              "\(n): a delta block of times in order gave nil")
                continue
            }
            encodings.insert(encoded[0])
            XCTAssertEqual(found.map(\.row), expected(values, thresholds), "\(n) rows over \(days) days")
            for (k, (row, value)) in found.enumerated() where row < n {
                XCTAssertEqual(value, values[row], "\(n): threshold \(k)")
            }
            for (row, value) in found where row == n { XCTAssertEqual(value, values[n - 1]) }
        }
        // Both stored forms of times in order were met.
        XCTAssertTrue(encodings.contains(IntegerEncoding.deltaMiniBlocks.rawValue), "\(encodings)")
        XCTAssertTrue(encodings.contains(IntegerEncoding.delta.rawValue), "\(encodings)")
    }

    func testBlocksStoredOtherwiseGiveNil() throws {
        // Out of order (a negative step), and values a frame of reference stores.
        let shuffled: [Int64] = (0..<2_000).map { Int64(($0 * 7_919) % 2_000) * 1_000_003 }
        let dense: [Int64] = (0..<2_000).map { Int64($0 % 50) }
        for values in [shuffled, dense] {
            var encoded: [UInt8] = []
            values.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &encoded) }
            XCTAssertNil(try firstRows(encoded, count: values.count, [0, 1_000_000]))
        }
    }

    func testDamagedBlocksThrowInsteadOfReadingPastTheEnd() throws {
        let values = times(5_000, days: 3, seed: 7, wholeSeconds: false)
        var encoded: [UInt8] = []
        values.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &encoded) }
        let thresholds = [Int64.min, values[2_500], values[4_999]]
        for cut in [1, 9, 17, 25, 26, encoded.count / 2, encoded.count - 1] {
            let short = Array(encoded[0..<cut])
            XCTAssertThrowsError(try firstRows(short, count: values.count, thresholds), "cut at \(cut)")
        }
    }
}
