import XCTest
@testable import HuiyanQuery

/// Exact count(DISTINCT) through the pair table (`DistinctPairTable`, `DistinctKeys`) and through code
/// bitmaps, against sets computed here: four segments with different dictionaries, many groups, NULLs,
/// numbers, strings of every key form, FILTER, one and two threads, and the switch between the two forms.
final class DistinctPairsTests: QueryTestCase {
    /// One generated row of `ev`.
    private struct Row {
        var g: Int, h: Int, s: String?, n: Int64?, x: Double?
    }

    private var table: [Row] = []
    /// The bitmap budget of one dictionary the statements run with (`underEveryForm` varies it).
    private var poolBitmapBytes = DistinctAccumulator.Budgets().poolBitmapBytes

    /// A string of one of the key forms: 9-digit ids, a letter and digits, leading zeros, short,
    /// 16 digits (too many to pack), long and multi-byte.
    private static func string(_ k: Int) -> String {
        switch k % 8 {
        case 0, 1: return String(format: "%09d", (k &* 7919) % 1_000_000_000)
        case 2: return "V\(k % 5000)"
        case 3: return String(repeating: "0", count: k % 4) + "\(k % 300)"
        case 4: return ["x", "a", "ab", "ab\u{0}", "abcdefg", "7"][k % 6]  // ingest reads a quoted "" as NULL
        case 5: return "1234567890123456" + "\(k % 40)"
        case 6: return "衡阳-回雁峰-访客-\(k % 700)"
        default: return "abcdefgh\(k % 90)"
        }
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        _ = try engine.execute("CREATE TABLE ev (g BIGINT, h BIGINT, s VARCHAR, n BIGINT, x DOUBLE)")
        var mix = SplitMix(state: 16)
        for segment in 0..<4 {
            var csv = "g,h,s,n,x\n"
            for _ in 0..<12_000 {
                // Each segment draws from a shifted range of strings: overlapping, different dictionaries.
                let k = mix.below(6000) + segment * 1500
                let row = Row(g: mix.below(1500), h: mix.below(3),
                              s: mix.below(20) == 0 ? nil : Self.string(k),
                              n: mix.below(15) == 0 ? nil : Int64(mix.below(4000)) - 2000 + (mix.below(50) == 0 ? Int64.max - 3000 : 0),
                              x: mix.below(15) == 0 ? nil : [0.0, -0.0, 1.5, -2.25, 1e300][mix.below(5)] + Double(mix.below(200)))
                table.append(row)
                csv += "\(row.g),\(row.h),\(row.s.map { "\"\($0)\"" } ?? ""),\(row.n.map(String.init) ?? ""),\(row.x.map { "\($0)" } ?? "")\n"
            }
            let file = directory + "/ev\(segment).csv"
            try csv.write(toFile: file, atomically: true, encoding: .utf8)
            _ = try engine.execute("COPY ev FROM '\(file)'")
        }
    }

    /// Distinct non-NULL values of `value` per group of `key`, over the rows `keep` selects.
    private func expected<K: Hashable, V: Hashable>(_ key: (Row) -> K, _ value: (Row) -> V?, keep: (Row) -> Bool = { _ in true }) -> [K: Int] {
        var sets: [K: Set<V>] = [:]
        for row in table {
            let k = key(row)
            if sets[k] == nil { sets[k] = [] }
            if keep(row), let v = value(row) { sets[k]!.insert(v) }
        }
        return sets.mapValues(\.count)
    }

    /// `SELECT key, count(DISTINCT …) … GROUP BY key` as key → count, on `threads` threads.
    private func counts(_ sql: String, threads: Int, file: StaticString = #filePath, line: UInt = #line) -> [String: Int] {
        do {
            let result = try engine.execute(sql, context: context(threads: threads)).last!
            var out: [String: Int] = [:]
            for row in result.rows {
                guard case .int(let n) = row.last! else { XCTFail("not a count: \(row)", file: file, line: line); continue }
                out[row.count == 1 ? "" : "\(row[0])"] = Int(n)
            }
            return out
        } catch {
            XCTFail("\(sql): \(error)", file: file, line: line)
            return [:]
        }
    }

    /// Runs `check` with bitmaps as today, with pairs from the first row, and with a switch part way.
    private func underEveryForm(_ check: (String) -> Void) {
        for (name, budget) in [("default", DistinctAccumulator.Budgets().poolBitmapBytes), ("pairs", 0), ("switching", 40_000)] {
            poolBitmapBytes = budget
            check(name)
        }
        poolBitmapBytes = DistinctAccumulator.Budgets().poolBitmapBytes
    }

    /// A statement's context with the bitmap budget of the form under test.
    private func context(threads: Int = ProcessInfo.processInfo.activeProcessorCount, memoryLimit: Int? = QueryContext.defaultMemoryLimit) -> QueryContext {
        let context = QueryContext(memoryLimit: memoryLimit, threads: threads)
        context.distinctBudgets.poolBitmapBytes = poolBitmapBytes
        return context
    }

    /// Asserts equal counts, naming a few groups that differ (not every group).
    private func assertCounts(_ got: [String: Int], _ want: [String: Int], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let wrong = Set(got.keys).union(want.keys).filter { got[$0] != want[$0] }.sorted()
        XCTAssertTrue(wrong.isEmpty, "\(what): \(wrong.count) of \(want.count) groups differ, e.g. " +
                      wrong.prefix(3).map { "\($0): \(got[$0].map(String.init) ?? "none") for \(want[$0].map(String.init) ?? "none")" }.joined(separator: ", "),
                      file: file, line: line)
    }

    private func keyed<V>(_ d: [Int: V]) -> [String: V] { Dictionary(uniqueKeysWithValues: d.map { ("int(\($0.key))", $0.value) }) }

    func testStringsByManyGroupsAcrossDictionaries() {
        let want = keyed(expected({ $0.g }, { $0.s }))
        XCTAssertEqual(want.count, 1500)
        underEveryForm { form in
            // Three threads: the third's groups meet groups the first merge lent.
            for threads in [1, 2, 3] {
                assertCounts(counts("SELECT g, count(DISTINCT s) FROM ev GROUP BY g", threads: threads), want, "\(form), \(threads) threads")
            }
        }
    }

    func testStringsByFewGroupsAndOverall() {
        let want = keyed(expected({ $0.h }, { $0.s }))
        let total = Set(table.compactMap(\.s)).count
        underEveryForm { form in
            for threads in [1, 2] {
                assertCounts(counts("SELECT h, count(DISTINCT s) FROM ev GROUP BY h", threads: threads), want, "\(form), \(threads) threads")
                assertCounts(counts("SELECT count(DISTINCT s) FROM ev", threads: threads), ["": total], "\(form), \(threads) threads")
            }
        }
    }

    /// Ids whose segment dictionaries are numeric (§7.1) are counted by their numbers, their text never written
    /// out; an id must still meet itself in a segment whose dictionary is text, and never meet an equal number
    /// written otherwise ("V000123", "000123", "0123" and "W000000000000123" are four ids).
    func testIdsOfNumericDictionariesMeetTheSameIdsStoredAsText() throws {
        _ = try engine.execute("CREATE TABLE ids (g BIGINT, id VARCHAR)")
        let forms: [(Int) -> String] = [
            { "V" + String(format: "%06d", $0) },
            { String(format: "%06d", $0) },
            { String(format: "%04d", $0 % 10_000) },
            { $0 % 7 == 0 ? "visitor-\($0)" : "V" + String(format: "%06d", $0) },  // a text dictionary
            { "W" + String(format: "%015d", $0) },  // the widest form a key packs
            { "W" + String(format: "%017d", $0) },  // wider: counted by its text
        ]
        var rows: [(g: Int, id: String?)] = []
        var mix = SplitMix(state: 21)
        for (segment, form) in forms.enumerated() {
            var csv = "g,id\n"
            for _ in 0..<5_000 {
                let row = (g: mix.below(400), id: mix.below(30) == 0 ? nil : form(mix.below(3_000)))
                rows.append(row)
                csv += "\(row.g),\(row.id ?? "")\n"
            }
            let file = directory + "/ids\(segment).csv"
            try csv.write(toFile: file, atomically: true, encoding: .utf8)
            _ = try engine.execute("COPY ids FROM '\(file)'")
        }
        var sets: [Int: Set<String>] = [:]
        for row in rows { sets[row.g, default: []].formUnion(row.id.map { [$0] } ?? []) }
        let want = keyed(sets.mapValues(\.count))
        let total = Set(rows.compactMap(\.id)).count
        underEveryForm { form in
            for threads in [1, 2] {
                assertCounts(counts("SELECT g, count(DISTINCT id) FROM ids GROUP BY g", threads: threads), want, "\(form), \(threads) threads")
                assertCounts(counts("SELECT count(DISTINCT id) FROM ids", threads: threads), ["": total], "\(form), \(threads) threads")
            }
        }
    }

    func testNumbersNullsAndNegativeZero() {
        let ints = keyed(expected({ $0.g }, { $0.n }))
        // −0 and 0 are one value.
        let doubles = keyed(expected({ $0.g }, { $0.x.map { $0 == 0 ? 0 : $0 } }))
        for threads in [1, 2] {
            assertCounts(counts("SELECT g, count(DISTINCT n) FROM ev GROUP BY g", threads: threads), ints, "BIGINT, \(threads) threads")
            assertCounts(counts("SELECT g, count(DISTINCT x) FROM ev GROUP BY g", threads: threads), doubles, "DOUBLE, \(threads) threads")
            assertCounts(counts("SELECT count(DISTINCT n) FROM ev", threads: threads), ["": Set(table.compactMap(\.n)).count], "overall, \(threads) threads")
        }
    }

    func testFilterAndStringExpressions() {
        let filtered = keyed(expected({ $0.g }, { $0.s }, keep: { $0.h == 1 }))
        let concatenated = keyed(expected({ $0.h }, { $0.s.map { $0 + "x" } }))
        underEveryForm { form in
            for threads in [1, 2] {
                assertCounts(counts("SELECT g, count(DISTINCT s) FILTER (WHERE h = 1) FROM ev GROUP BY g", threads: threads), filtered,
                               "\(form), \(threads) threads")
                assertCounts(counts("SELECT h, count(DISTINCT s || 'x') FROM ev GROUP BY h", threads: threads), concatenated,
                               "\(form), \(threads) threads")
            }
        }
    }

    func testThePairTableCountsAgainstTheMemoryLimit() throws {
        poolBitmapBytes = 0
        let sql = "SELECT g, count(DISTINCT s) FROM ev GROUP BY g"
        // A limit the groups alone fit in but not the pairs (about 40,000 of them, 8 bytes a slot): the
        // aggregation spills to disk by group and gives the same counts.
        let groupsSQL = "SELECT g, count(*) FROM ev GROUP BY g"
        let groupsRoomy = context(), pairsRoomy = context()
        _ = try engine.execute(groupsSQL, context: groupsRoomy)
        let inMemory = try engine.execute(sql, context: pairsRoomy).last!.rows.map { "\($0)" }.sorted()
        XCTAssertLessThan(groupsRoomy.peakHeldBytes * 2, pairsRoomy.peakHeldBytes)
        let limit = (groupsRoomy.peakHeldBytes + pairsRoomy.peakHeldBytes) / 2
        let groupsOnly = context(memoryLimit: limit)
        XCTAssertNoThrow(try engine.execute(groupsSQL, context: groupsOnly))
        XCTAssertEqual(groupsOnly.statistics.spilledPartitions, 0)
        let tight = context(memoryLimit: limit)
        let spilled = try engine.execute(sql, context: tight).last!.rows.map { "\($0)" }.sorted()
        XCTAssertGreaterThan(tight.statistics.spilledPartitions, 0, "the pairs counted against the limit")
        XCTAssertTrue(spilled == inMemory, "the spilled counts differ")
    }

    func testKeysAreEqualExactlyForEqualStrings() {
        let strings = ["", "\u{0}", "0", "00", "007", "7", "07", "a", "a1", "b1", "V123", "V0123", "123456789012345",
                       "1234567890123456", "0123456789012345", "abcdefg", "abcdefgh", "ab\u{0}", "ab", "衡阳", "衡阳回雁峰",
                       "x999999999999999", "999999999999999", "-5", "+5", "5"]
        let keys = DistinctKeys(), other = DistinctKeys()
        func key(_ k: DistinctKeys, _ s: String) -> UInt64 {
            var bytes = Array(s.utf8)
            bytes.append(0)
            return bytes.withUnsafeBufferPointer { k.key($0.baseAddress!, $0.count - 1) }
        }
        let mine = strings.map { key(keys, $0) }
        XCTAssertEqual(Set(mine).count, strings.count, "distinct strings, distinct keys")
        XCTAssertEqual(strings.map { key(keys, $0) }, mine, "the same key again")
        XCTAssertFalse(mine.contains(DistinctKeys.absent))
        // Another thread's keys translate into this thread's.
        XCTAssertEqual(strings.map { keys.translate(key(other, $0), from: other) }, mine)
        // The eight-bytes-at-a-time parse (16 bytes readable) gives the byte-at-a-time parse's keys.
        var mix = SplitMix(state: 5)
        var samples = strings
        for _ in 0..<3000 {
            var s = String((0..<(1 + mix.below(17))).map { _ in Character(String(mix.below(10))) })
            if mix.below(3) == 0 { s = ["V", "x", "~", "/", ":"][mix.below(5)] + s }
            if mix.below(10) == 0 { s = s.replacingCharacters(in: s.startIndex...s.startIndex, with: ["a", "/", ":", " "][mix.below(4)]) }
            samples.append(s)
        }
        for s in samples {
            let bytes = Array(s.utf8)
            for filler: UInt8 in [0x35, 0x78, 0x00] {
                let padded = bytes + [UInt8](repeating: filler, count: 16)
                let wide = padded.withUnsafeBufferPointer { DistinctKeys.inlineKey($0.baseAddress!, bytes.count, readable: padded.count) }
                let narrow = padded.withUnsafeBufferPointer { DistinctKeys.inlineKey($0.baseAddress!, bytes.count, readable: bytes.count) }
                XCTAssertEqual(wide, narrow, "\(s)")
            }
        }
    }

    func testPairTableAgreesWithSetsThroughFoldsSplitsAndMerges() {
        // Enough pairs for the table to fold its repeats while rows come (`firstFold`) and for partitions
        // too large for one set to be split; keys include the all-ones key and the group's own number.
        let groups = 300
        let table = DistinctPairTable(setSlots: 64, firstFold: 2_000), other = DistinctPairTable(setSlots: 64, firstFold: 2_000)
        table.reserve(groups: groups)
        other.reserve(groups: groups)
        var want = [Set<UInt64>](repeating: [], count: groups)
        var mix = SplitMix(state: 3)
        let rows = 60_000
        for r in 0..<rows {
            let g = mix.below(groups)
            let key: UInt64 = mix.below(100) == 0 ? .max : (g % 3 == 0 ? UInt64(mix.below(40)) : UInt64(mix.below(g * 50 + 1)))
            want[g].insert(key)
            if r % 2 == 0 { table.insert(group: g, key: key) } else { other.insert(group: groups - 1 - g, key: key) }
        }
        // The other table's group h is this table's group groups − 1 − h.
        table.absorb(other, mapping: (0..<groups).map { Int32(groups - 1 - $0) })
        XCTAssertEqual(other.distinctCounts(groups: groups, threads: 1), [Int64](repeating: 0, count: groups), "moved")
        let counts = table.distinctCounts(groups: groups, threads: 2)
        XCTAssertEqual(counts, want.map { Int64($0.count) })
        XCTAssertEqual(table.distinctCounts(groups: groups, threads: 1), counts, "counting again gives the same counts")
        // Rows repeating a few pairs are folded while they come: the table holds about the distinct pairs.
        let repeats = DistinctPairTable(setSlots: 64, firstFold: 1_000)
        repeats.reserve(groups: 3)
        for r in 0..<100_000 { repeats.insert(group: r % 3, key: UInt64(r % 7)) }
        XCTAssertLessThan(repeats.approximateBytes, 100_000 * 16 / 8)
        XCTAssertEqual(repeats.distinctCounts(groups: 3, threads: 2), [7, 7, 7])
        // One pair nine rows in ten, distinct pairs between: the partition folded first to judge the repeats is
        // the repeated pair's (the largest), so the table still folds while rows come.
        let hot = DistinctPairTable(setSlots: 64, firstFold: 1_000)
        hot.reserve(groups: 1)
        for r in 0..<100_000 { hot.insert(group: 0, key: r % 10 == 0 ? UInt64(r) &* 0x9E37_79B9 : 42) }
        XCTAssertLessThan(hot.approximateBytes, 100_000 * 12 / 2)
        XCTAssertEqual(hot.distinctCounts(groups: 1, threads: 1), [10_001])
    }

    /// The forms a count(DISTINCT) state of strings can start in.
    enum DistinctForm: CaseIterable { case small, bitmaps, pairs }

    /// A string count(DISTINCT) state after one batch of `rows` (group, code) over `pool`, row `nullRow` NULL,
    /// started in `form` (asserted).
    private func distinctState(_ pool: StringPool, _ rows: [(Int, Int)], groups: Int, nullRow: Int, _ form: DistinctForm,
                               file: StaticString = #filePath, line: UInt = #line) throws -> DistinctAccumulator {
        let budgets = DistinctAccumulator.Budgets(poolBitmapBytes: form == .pairs ? 0 : DistinctAccumulator.Budgets().poolBitmapBytes,
                                                  smallDomainValues: form == .small ? 256 : 0)
        let acc = DistinctAccumulator(type: .string, threads: 2, budgets: budgets)
        let v = Vector(type: .string, count: rows.count)
        v.pool = pool
        var keys = [Int32](repeating: 0, count: rows.count)
        for (i, (g, code)) in rows.enumerated() { v.ints[i] = Int64(code); keys[i] = Int32(g) }
        v.setNull(nullRow)
        acc.reserve(groups: groups)
        try acc.update(v, groups: keys, Batch(count: rows.count, selection: nil))
        XCTAssertEqual(acc.usesSmallDomain, form == .small, file: file, line: line)
        XCTAssertEqual(acc.usesPairs, form == .pairs, file: file, line: line)
        return acc
    }

    func testMergesOfBitmapAndPairStatesInEveryCombination() throws {
        let long = "一个超过十五个字节的很长的访客编号"
        let a = ["000123", "123", "V1", "a", long, long + "1", "x"].sorted { Evaluator.byteOrder($0, $1) < 0 }
        let b = ["000123", "124", "V1", "b", long, long + "2", "x"].sorted { Evaluator.byteOrder($0, $1) < 0 }
        let poolA = StringPool(strings: a, isSorted: true), poolB = StringPool(strings: b, isSorted: true)
        var mix = SplitMix(state: 9)
        let rowsA = (0..<200).map { _ in (mix.below(4), mix.below(a.count)) }
        let rowsB = (0..<200).map { _ in (mix.below(4), mix.below(b.count)) }
        // The second state's group g is the first's mapping[g].
        let mapping: [Int32] = [2, 3, 0, 1]
        var want = [Set<String>](repeating: [], count: 4)
        for (i, (g, code)) in rowsA.enumerated() where i != 7 { want[g].insert(a[code]) }
        for (i, (g, code)) in rowsB.enumerated() where i != 7 { want[Int(mapping[g])].insert(b[code]) }
        for (first, second) in [(false, false), (false, true), (true, false), (true, true)] {
            let into = try distinctState(poolA, rowsA, groups: 4, nullRow: 7, first ? .pairs : .bitmaps)
            let from = try distinctState(poolB, rowsB, groups: 4, nullRow: 7, second ? .pairs : .bitmaps)
            try into.merge(from, mapping: mapping)
            XCTAssertEqual(into.result(groups: 4).ints, want.map { Int64($0.count) }, "pairs: \(first) ← \(second)")
        }
    }

    /// Few values (spots, hours, prices) counted in every one of thousands of id groups: the states stay masks
    /// of a bit per value, the dictionary merge takes them, and the counts are those of sets — also when a
    /// later segment brings the values past one word of bits (2 words) and past the masks' limit (then the
    /// states move to bitmaps or pairs part way), on 1 to 3 threads, and with every rule off.
    func testFewValuesInManyGroupsStayMasksAndMergeByDictionary() throws {
        _ = try engine.execute("CREATE TABLE hits (id VARCHAR, spot VARCHAR, hour BIGINT, price DOUBLE)")
        var mix = SplitMix(state: 23)
        struct Hit: Hashable { let id: String; let spot: String?; let hour: Int64?; let price: Double? }
        var hits: [Hit] = []
        let spots = ["南岳衡山", "石鼓书院", "东洲岛", "雨母山", "a", "ab", "回雁峰-一个很长的景区名字", "Z"]  // ingest reads "" as NULL
        for segment in 0..<4 {
            var csv = "id,spot,hour,price\n"
            for _ in 0..<15_000 {
                let id = String(format: "u%07d", (mix.below(20_000) &* 7_919) % 10_000_000)
                // Segment 2 brings 70 more spots (past 64 bits); segment 3, 300 more (past the limit).
                let spot: String? = mix.below(25) == 0 ? nil
                    : segment == 2 && mix.below(3) == 0 ? "s2-\(mix.below(70))"
                    : segment == 3 && mix.below(3) == 0 ? "s3-\(mix.below(300))" : spots[mix.below(spots.count)]
                let hour: Int64? = mix.below(30) == 0 ? nil : Int64(mix.below(24)) - (segment == 3 ? Int64(mix.below(400)) : 0)
                let price: Double? = mix.below(30) == 0 ? nil : [0.0, -0.0, 2.5, 18.75, 100][mix.below(5)]
                hits.append(Hit(id: id, spot: spot, hour: hour, price: price))
                csv += "\(id),\(spot.map { "\"\($0)\"" } ?? ""),\(hour.map(String.init) ?? ""),\(price.map { "\($0)" } ?? "")\n"
            }
            let file = directory + "/hits\(segment).csv"
            try csv.write(toFile: file, atomically: true, encoding: .utf8)
            _ = try engine.execute("COPY hits FROM '\(file)'")
            // The counts after each segment: one word of bits, two, and past the limit.
            let seen = hits
            var sets: [String: (spots: Set<String>, hours: Set<Int64>, prices: Set<Double>)] = [:]
            for h in seen {
                var entry = sets[h.id] ?? ([], [], [])
                if let v = h.spot { entry.spots.insert(v) }
                if let v = h.hour { entry.hours.insert(v) }
                if let v = h.price { entry.prices.insert(v == 0 ? 0 : v) }
                sets[h.id] = entry
            }
            let want = sets.mapValues { "\($0.spots.count) \($0.hours.count) \($0.prices.count)" }
            let sql = "SELECT id, count(DISTINCT spot), count(DISTINCT hour), count(DISTINCT price) FROM hits GROUP BY id"
            for (name, settings) in [("rules on", OptimizerSettings.allOn), ("rules off", OptimizerSettings(allRulesOff: true))] {
                for threads in [1, 2, 3] {
                    let result = try engine.execute(sql, context: QueryContext(threads: threads, optimizer: settings)).last!
                    let got = Dictionary(uniqueKeysWithValues: Self.text(result).map { ($0[0], "\($0[1]) \($0[2]) \($0[3])") })
                    let wrong = Set(got.keys).union(want.keys).filter { got[$0] != want[$0] }.sorted()
                    XCTAssertTrue(wrong.isEmpty, "segment \(segment), \(name), \(threads) threads: \(wrong.count) of \(want.count) ids differ, e.g. "
                                  + wrong.prefix(3).map { "\($0): \(got[$0] ?? "none") for \(want[$0] ?? "none")" }.joined(separator: "; "))
                }
            }
            let spotsOnly = "SELECT id, count(DISTINCT spot), max(hour) FROM hits GROUP BY id"
            let explain = Self.text(try engine.execute("EXPLAIN " + spotsOnly).last!).map { $0[0] }.joined(separator: "\n")
            // The merge takes count(DISTINCT spot) while every segment's spots are few (at most 64).
            if segment < 2 { XCTAssertTrue(explain.contains("dictionary_merge"), explain) }
        }
    }

    /// A small-domain state merged with bitmap, pair and small-domain states (and they with it), through a
    /// mapping of groups, counts what sets count.
    func testMergesOfSmallDomainStatesWithEveryForm() throws {
        let a = ["a", "b", "c", "一个超过十五个字节的很长的访客编号"].sorted { Evaluator.byteOrder($0, $1) < 0 }
        let b = ["b", "c", "d", "x"].sorted { Evaluator.byteOrder($0, $1) < 0 }
        let poolA = StringPool(strings: a, isSorted: true), poolB = StringPool(strings: b, isSorted: true)
        var mix = SplitMix(state: 5)
        let rowsA = (0..<100).map { _ in (mix.below(5), mix.below(a.count)) }
        let rowsB = (0..<100).map { _ in (mix.below(5), mix.below(b.count)) }
        let mapping: [Int32] = [4, 3, 2, 1, 0]
        var want = [Set<String>](repeating: [], count: 5)
        for (i, (g, code)) in rowsA.enumerated() where i != 3 { want[g].insert(a[code]) }
        for (i, (g, code)) in rowsB.enumerated() where i != 3 { want[Int(mapping[g])].insert(b[code]) }
        for first in DistinctForm.allCases {
            for second in DistinctForm.allCases where first == .small || second == .small {
                let into = try distinctState(poolA, rowsA, groups: 5, nullRow: 3, first)
                let from = try distinctState(poolB, rowsB, groups: 5, nullRow: 3, second)
                try into.merge(from, mapping: mapping)
                XCTAssertEqual(into.result(groups: 5).ints, want.map { Int64($0.count) }, "\(first) ← \(second)")
            }
        }
    }
}
