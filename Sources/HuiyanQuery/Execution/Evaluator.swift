import Foundation
import HuiyanValues

/// Evaluates bound expressions over a batch, column at a time: every operator is a loop over contiguous
/// buffers and the batch's selection; string predicates and functions run once per pool entry.
struct Evaluator {
    let offsetSeconds: Int
    /// The input columns of the batch: table columns by index (scans), or group keys and aggregates (after
    /// aggregation).
    let columns: [Int: Vector]
    let groupKeys: [Vector]
    let aggregates: [Vector]
    /// Above a window operator: the window functions' results (`.window(i)`).
    var windows: [Vector] = []

    init(offsetSeconds: Int, columns: [Int: Vector] = [:], groupKeys: [Vector] = [], aggregates: [Vector] = []) {
        self.offsetSeconds = offsetSeconds
        self.columns = columns
        self.groupKeys = groupKeys
        self.aggregates = aggregates
    }

    // MARK: Filters

    /// Narrows `batch.selection` to the rows where `predicate` is true (not false, not NULL).
    func filter(_ predicate: BoundExpression, _ batch: inout Batch) throws {
        if case .and(let list) = predicate {
            for conjunct in list where batch.selectedCount > 0 { try filter(conjunct, &batch) }
            return
        }
        if try selectDirectly(predicate, &batch) { return }
        let result = try evaluate(predicate, batch)
        var kept: [Int32] = []
        kept.reserveCapacity(batch.selectedCount)
        result.ints.withUnsafeBufferPointer { values in
            if let nulls = result.nulls {
                batch.forEachSelected { i in if values[i] != 0 && nulls[i] == 0 { kept.append(Int32(i)) } }
            } else {
                batch.forEachSelected { i in if values[i] != 0 { kept.append(Int32(i)) } }
            }
        }
        batch.selection = kept
    }

    /// `column op constant` and string `IN` lists select rows straight from the column, without a boolean
    /// vector; on a sorted dictionary a string comparison is a range of codes. False when the shape differs.
    private func selectDirectly(_ predicate: BoundExpression, _ batch: inout Batch) throws -> Bool {
        var column: BoundExpression, op: ComparisonOperator, constant: Value
        switch predicate {
        case .comparison(let o, let c, .constant(let v, _)) where c.isColumnLike:
            (column, op, constant) = (c, o, v)
        case .comparison(let o, .constant(let v, _), let c) where c.isColumnLike:
            (column, op, constant) = (c, o.flipped, v)
        case .inList(let c, let values, false) where c.isColumnLike && c.type == .string:
            let v = try evaluate(c, batch)
            guard let pool = v.pool, pool.isSorted else { return false }
            let wanted = InListCodeCache.shared.wanted(pool, values)
            batch.selection = select(v, batch) { wanted[Int($0)] }
            return true
        default:
            return false
        }
        if constant.isNull { batch.selection = []; return true }
        let v = try evaluate(column, batch)
        switch constant {
        case .string(let s):
            guard let pool = v.pool, case .some(let range) = pool.codeRange(op, s) else { return false }
            guard let range else { batch.selection = []; return true }
            // One unsigned comparison (no branch to mispredict): lo ≤ code ≤ hi.
            let lo = range.lowerBound, width = UInt64(range.upperBound - range.lowerBound)
            batch.selection = select(v, batch) { UInt64(bitPattern: $0 &- lo) <= width }
        case .int, .money, .decimal, .timestamp, .date, .interval:
            let c = constant.integerLane!
            switch op {
            case .equal: batch.selection = select(v, batch) { $0 == c }
            case .notEqual: batch.selection = select(v, batch) { $0 != c }
            case .less: batch.selection = select(v, batch) { $0 < c }
            case .lessOrEqual: batch.selection = select(v, batch) { $0 <= c }
            case .greater: batch.selection = select(v, batch) { $0 > c }
            case .greaterOrEqual: batch.selection = select(v, batch) { $0 >= c }
            }
        default:
            return false
        }
        return true
    }

    /// The selected, non-NULL rows whose integer (or code) satisfies `keep`.
    @inline(__always)
    private func select(_ v: Vector, _ batch: Batch, _ keep: (Int64) -> Bool) -> [Int32] {
        var kept = [Int32](unsafeUninitializedCapacity: batch.selectedCount) { buffer, initialized in
            var n = 0
            v.ints.withUnsafeBufferPointer { values in
                // The row is always written and kept by advancing — a bit cast, not a branch: predicates
                // that keep half the rows at random would mispredict every other row.
                if let nulls = v.nulls {
                    batch.forEachSelected { i in
                        buffer[n] = Int32(i)
                        n &+= Int(unsafeBitCast(keep(values[i]), to: UInt8.self) & (nulls[i] ^ 1))
                    }
                } else {
                    batch.forEachSelected { i in
                        buffer[n] = Int32(i)
                        n &+= Int(unsafeBitCast(keep(values[i]), to: UInt8.self))
                    }
                }
            }
            initialized = n
        }
        if kept.capacity > kept.count * 4 + 64 { kept = Array(kept) }
        return kept
    }

    // MARK: Expressions

    func evaluate(_ e: BoundExpression, _ batch: Batch) throws -> Vector {
        switch e {
        case .column(let i, _, _):
            return columns[i]!
        case .groupKey(let i, _):
            return groupKeys[i]
        case .aggregate(let i, _):
            return aggregates[i]
        case .window(let i, _):
            return windows[i]
        case .constant(let v, let type):
            return Vector.constant(v, type: type, count: batch.count)
        case .negate(let x, let type):
            let v = try evaluate(x, batch)
            let out = Vector(type: type, count: batch.count)
            out.nulls = v.nulls
            if type == .float64 { batch.forEachSelected { out.doubles[$0] = -v.doubles[$0] } }
            else { try Self.negateIntegers(v, into: out, batch, what: "-") }
            return out
        case .arithmetic(let op, let a, let b, let type):
            return try arithmetic(op, try evaluate(a, batch), try evaluate(b, batch), type, batch)
        case .comparison(let op, let a, let b):
            return try compare(op, a, b, batch)
        case .and(let list):
            return try logical(list, isAnd: true, batch)
        case .or(let list):
            return try logical(list, isAnd: false, batch)
        case .not(let x):
            let v = try evaluate(x, batch)
            let out = Vector(type: .boolean, count: batch.count)
            out.nulls = v.nulls
            batch.forEachSelected { out.ints[$0] = v.ints[$0] == 0 ? 1 : 0 }
            return out
        case .isNull(let x, let negated):
            let v = try evaluate(x, batch)
            let out = Vector(type: .boolean, count: batch.count)
            batch.forEachSelected { out.ints[$0] = (v.isNull($0) != negated) ? 1 : 0 }
            return out
        case .inList(let x, let values, let negated):
            return try inList(try evaluate(x, batch), values, negated, batch)
        case .like(let x, let pattern, let negated):
            let v = try evaluate(x, batch)
            let out = Vector(type: .boolean, count: batch.count)
            out.nulls = v.nulls
            // `literal%` over a sorted dictionary: its matches are one run of codes, found by binary search.
            if let prefix = pattern.literalPrefix, let codes = v.pool?.codes(withPrefix: prefix) {
                let lo = Int64(codes.lowerBound), hi = Int64(codes.upperBound)
                batch.forEachSelected { i in
                    if !v.isNull(i) { out.ints[i] = ((v.ints[i] >= lo && v.ints[i] < hi) != negated) ? 1 : 0 }
                }
                return out
            }
            let matches = try v.pool.map { pool in
                try pool.perEntryBytes(PerEntryKey.like(pattern, negated: negated)) { try pattern.matches(bytes: $0) != negated }
            } ?? []
            batch.forEachSelected { i in
                if !v.isNull(i) { out.ints[i] = matches[Int(v.ints[i])] ? 1 : 0 }
            }
            return out
        case .caseWhen(let branches, let otherwise, let type):
            return try caseWhen(branches, otherwise, type, batch)
        case .cast(let x, let type):
            return try cast(try evaluate(x, batch), to: type, batch)
        case .function(let f, let args, let type):
            return try f.definition.evaluate(FunctionEvaluation(function: f, arguments: try args.map { try evaluate($0, batch) },
                                                                isConstant: args.map(\.isConstant), type: type, batch: batch, evaluator: self))
        case .concat(let a, let b):
            let x = try evaluate(a, batch), y = try evaluate(b, batch)
            return strings(batch) { i in
                if x.isNull(i) || y.isNull(i) { return nil }
                return x.pool!.string(Int(x.ints[i])) + y.pool!.string(Int(y.ints[i]))
            }
        }
    }

    /// A string vector from a per-row function, interning equal results into one pool.
    func strings(_ batch: Batch, _ value: (Int) -> String?) -> Vector {
        let out = Vector(type: .string, count: batch.count)
        var index: [ByteKey: Int64] = [:]
        var list: [String] = []
        batch.forEachSelected { i in
            guard let s = value(i) else { out.setNull(i); return }
            if let code = index[ByteKey(s)] { out.ints[i] = code; return }
            let code = Int64(list.count)
            index[ByteKey(s)] = code
            list.append(s)
            out.ints[i] = code
        }
        out.pool = StringPool(strings: list)
        return out
    }

    /// Merges the NULL masks of two operands.
    private func mergeNulls(_ a: Vector, _ b: Vector, count: Int) -> [UInt8]? {
        switch (a.nulls, b.nulls) {
        case (nil, nil): return nil
        case (let x?, nil): return x
        case (nil, let y?): return y
        case (let x?, let y?): return (0..<count).map { x[$0] | y[$0] }
        }
    }

    private func arithmetic(_ op: ArithmeticOperator, _ a: Vector, _ b: Vector, _ type: SQLType, _ batch: Batch) throws -> Vector {
        let out = Vector(type: type, count: batch.count)
        out.nulls = mergeNulls(a, b, count: batch.count)
        if a.type == .interval || b.type == .interval {
            try intervalArithmetic(op, a, b, out, batch)
            return out
        }
        if type == .float64 {
            let x = a.type == .float64 ? a.doubles : a.ints.map(Double.init)
            let y = b.type == .float64 ? b.doubles : b.ints.map(Double.init)
            switch op {
            case .add: batch.forEachSelected { out.doubles[$0] = x[$0] + y[$0] }
            case .subtract: batch.forEachSelected { out.doubles[$0] = x[$0] - y[$0] }
            case .multiply: batch.forEachSelected { out.doubles[$0] = x[$0] * y[$0] }
            case .divide, .modulo:
                batch.forEachSelected { i in
                    if y[i] == 0 { out.setNull(i) } else { out.doubles[i] = op == .divide ? x[i] / y[i] : x[i].truncatingRemainder(dividingBy: y[i]) }
                }
            }
            return out
        }
        if op == .divide {
            // Exact quotient (both operands BIGINT or DECIMAL), at the result's scale.
            let sa = a.type.decimalScale ?? 0, sb = b.type.decimalScale ?? 0, scale = type.decimalScale ?? 0
            var failed: Int?
            batch.forEachSelected { i in
                if b.ints[i] == 0 { out.setNull(i); return }
                guard let q = DecimalMath.divide(a.ints[i], sa, by: b.ints[i], sb, scale: scale) else {
                    if failed == nil && !out.isNull(i) { failed = i }
                    return
                }
                out.ints[i] = q
            }
            if let failed { throw Self.overflow(op, a, b, failed, type) }
            return out
        }
        var overflow = false
        switch op {
        case .add:
            batch.forEachSelected { i in
                let (r, o) = a.ints[i].addingReportingOverflow(b.ints[i]); out.ints[i] = r; overflow = overflow || o
            }
        case .subtract:
            batch.forEachSelected { i in
                let (r, o) = a.ints[i].subtractingReportingOverflow(b.ints[i]); out.ints[i] = r; overflow = overflow || o
            }
        case .multiply:
            batch.forEachSelected { i in
                let (r, o) = a.ints[i].multipliedReportingOverflow(by: b.ints[i]); out.ints[i] = r; overflow = overflow || o
            }
        case .modulo, .divide:
            batch.forEachSelected { i in
                if b.ints[i] == 0 { out.setNull(i) } else { out.ints[i] = Self.remainder(a.ints[i], b.ints[i]) }
            }
        }
        if overflow {
            // An overflow in a row that is NULL anyway does not count; the error names the first one's operands.
            var first: Int?
            batch.forEachSelected { i in
                guard first == nil, !out.isNull(i) else { return }
                let x = a.ints[i], y = b.ints[i]
                let o: Bool
                switch op {
                case .add: o = x.addingReportingOverflow(y).overflow
                case .subtract: o = x.subtractingReportingOverflow(y).overflow
                default: o = x.multipliedReportingOverflow(by: y).overflow
                }
                if o { first = i }
            }
            if let first { throw Self.overflow(op, a, b, first, type) }
        }
        if type == .timestamp || type == .date {
            // Times computed from times stay where the calendar functions can work on them.
            var outside: Int?
            batch.forEachSelected { i in if outside == nil, !out.isNull(i), !TimeMath.inRange(out.ints[i], type) { outside = i } }
            if let outside {
                let x = ValueFormatting.text(a.value(outside), offsetSeconds: offsetSeconds) ?? "NULL"
                let y = ValueFormatting.text(b.value(outside), offsetSeconds: offsetSeconds) ?? "NULL"
                throw QueryError("\(type) out of range: \(x) \(op.rawValue) \(y) is past the year 90,000")
            }
        }
        return out
    }

    /// TIMESTAMP ± INTERVAL (months in the database's zone), INTERVAL ± INTERVAL, INTERVAL × or ÷ a number,
    /// row by row on the intervals' parts. (TIMESTAMP − TIMESTAMP is the plain difference: an interval lane
    /// without parts reads it as whole days and the rest, as DuckDB gives it.)
    private func intervalArithmetic(_ op: ArithmeticOperator, _ a: Vector, _ b: Vector, _ out: Vector, _ batch: Batch) throws {
        let offset = offsetSeconds
        try batch.forEachSelectedThrowing { i in
            guard !out.isNull(i) else { return }
            switch (a.type, b.type, op) {
            case (.timestamp, .interval, _):
                out.ints[i] = try FunctionRegistry.add(op == .subtract ? -b.interval(i) : b.interval(i), to: a.ints[i], offsetSeconds: offset)
            case (.interval, .interval, _):
                out.setInterval(i, try a.interval(i).adding(b.interval(i), sign: op == .subtract ? -1 : 1))
            case (.interval, .float64, _):
                out.setInterval(i, try a.interval(i).multiplied(by: b.doubles[i]))
            case (.interval, _, .divide):
                if let q = try a.interval(i).divided(by: b.ints[i]) { out.setInterval(i, q) } else { out.setNull(i) }
            case (.interval, _, _):
                out.setInterval(i, try a.interval(i).multiplied(by: b.ints[i]))
            default:
                throw QueryError("cannot apply \(op.rawValue) to \(a.type) and \(b.type)")
            }
        }
    }

    /// The error for a result that does not fit its type, naming the operands of row `i`.
    private static func overflow(_ op: ArithmeticOperator, _ a: Vector, _ b: Vector, _ i: Int, _ type: SQLType) -> QueryError {
        let x = ValueFormatting.text(a.value(i), offsetSeconds: 0) ?? "NULL", y = ValueFormatting.text(b.value(i), offsetSeconds: 0) ?? "NULL"
        return QueryError("\(type) overflow in \(op.rawValue): \(x) \(op.rawValue) \(y) does not fit")
    }

    private func compare(_ op: ComparisonOperator, _ a: BoundExpression, _ b: BoundExpression, _ batch: Batch) throws -> Vector {
        let out = Vector(type: .boolean, count: batch.count)
        // Column against constant: the common case, one loop with a scalar.
        if case .constant(let constant, _) = b {
            let x = try evaluate(a, batch)
            out.nulls = x.nulls
            if constant.isNull { out.nulls = [UInt8](repeating: 1, count: batch.count); return out }
            switch constant {
            case .string(let s):
                let truth = try x.pool.map { pool in try pool.perEntry(PerEntryKey.comparison(op, s)) { op.holds(Self.byteOrder($0, s), 0) } } ?? []
                batch.forEachSelected { i in if !x.isNull(i) { out.ints[i] = truth[Int(x.ints[i])] ? 1 : 0 } }
            case .double(let d):
                x.doubles.withUnsafeBufferPointer { v in batch.forEachSelected { out.ints[$0] = op.holds(v[$0], d) ? 1 : 0 } }
            case .bool(let flag):
                let c: Int64 = flag ? 1 : 0
                x.ints.withUnsafeBufferPointer { v in batch.forEachSelected { out.ints[$0] = op.holds(v[$0], c) ? 1 : 0 } }
            case .int, .money, .decimal, .timestamp, .date, .interval:
                let c = constant.integerLane!
                x.ints.withUnsafeBufferPointer { v in
                    out.ints.withUnsafeMutableBufferPointer { o in
                        switch op {
                        case .equal: batch.forEachSelected { o[$0] = v[$0] == c ? 1 : 0 }
                        case .notEqual: batch.forEachSelected { o[$0] = v[$0] != c ? 1 : 0 }
                        case .less: batch.forEachSelected { o[$0] = v[$0] < c ? 1 : 0 }
                        case .lessOrEqual: batch.forEachSelected { o[$0] = v[$0] <= c ? 1 : 0 }
                        case .greater: batch.forEachSelected { o[$0] = v[$0] > c ? 1 : 0 }
                        case .greaterOrEqual: batch.forEachSelected { o[$0] = v[$0] >= c ? 1 : 0 }
                        }
                    }
                }
            case .null: break
            }
            return out
        }
        if case .constant = a { return try compare(op.flipped, b, a, batch) }
        let x = try evaluate(a, batch), y = try evaluate(b, batch)
        out.nulls = mergeNulls(x, y, count: batch.count)
        switch x.type {
        case .float64: batch.forEachSelected { out.ints[$0] = op.holds(x.doubles[$0], y.doubles[$0]) ? 1 : 0 }
        case .string:
            batch.forEachSelected { i in
                if out.isNull(i) { return }
                out.ints[i] = op.holds(Self.byteOrder(x.pool!.string(Int(x.ints[i])), y.pool!.string(Int(y.ints[i]))), 0) ? 1 : 0
            }
        default: batch.forEachSelected { out.ints[$0] = op.holds(x.ints[$0], y.ints[$0]) ? 1 : 0 }
        }
        return out
    }

    /// -1, 0 or 1 by UTF-8 byte order (the order of sorted dictionaries, and of DuckDB).
    /// Byte order of two byte strings (negative, 0, positive), as memcmp then length.
    static func byteOrder(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = Swift.min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
    }

    static func byteOrder(_ a: String, _ b: String) -> Int {
        var ai = a.utf8.makeIterator(), bi = b.utf8.makeIterator()
        while true {
            switch (ai.next(), bi.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    /// Three-valued AND / OR.
    private func logical(_ list: [BoundExpression], isAnd: Bool, _ batch: Batch) throws -> Vector {
        let out = Vector(type: .boolean, count: batch.count)
        var unknown = [UInt8](repeating: 0, count: batch.count)
        batch.forEachSelected { out.ints[$0] = isAnd ? 1 : 0 }
        for e in list {
            let v = try evaluate(e, batch)
            batch.forEachSelected { i in
                if v.isNull(i) { unknown[i] = 1; return }
                let truth = v.ints[i] != 0
                if isAnd && !truth { out.ints[i] = 0 }
                if !isAnd && truth { out.ints[i] = 1 }
            }
        }
        // NULL when undecided: AND with no false but a NULL; OR with no true but a NULL.
        batch.forEachSelected { i in
            if unknown[i] != 0 && (isAnd ? out.ints[i] == 1 : out.ints[i] == 0) { out.setNull(i) }
        }
        return out
    }

    private func inList(_ v: Vector, _ values: [Value], _ negated: Bool, _ batch: Batch) throws -> Vector {
        let out = Vector(type: .boolean, count: batch.count)
        out.nulls = v.nulls
        let hasNull = values.contains { $0.isNull }
        func set(_ i: Int, _ found: Bool) {
            if !found && hasNull { out.setNull(i) } else { out.ints[i] = found != negated ? 1 : 0 }
        }
        switch v.type {
        case .string:
            guard let pool = v.pool else { break }
            if pool.isSorted {
                // A segment's dictionary: its codes in the list found once for all its blocks.
                let member = InListCodeCache.shared.wanted(pool, values)
                batch.forEachSelected { i in if !v.isNull(i) { set(i, member[Int(v.ints[i])]) } }
                break
            }
            let wanted = Set(values.compactMap { if case .string(let s) = $0 { return ByteKey(s) } else { return nil } })
            // Each code looked up once, and only the codes the batch holds: a segment's dictionary (an IN
            // subquery's ids against visitor ids) may hold far more entries than a batch has rows.
            let strings = pool.strings
            var member = [Int8](repeating: -1, count: pool.count)
            batch.forEachSelected { i in
                guard !v.isNull(i) else { return }
                let code = Int(v.ints[i])
                if member[code] < 0 { member[code] = wanted.contains(ByteKey(strings[code])) ? 1 : 0 }
                set(i, member[code] == 1)
            }
        case .float64:
            let wanted = Set(values.compactMap(\.doubleValue))
            batch.forEachSelected { i in if !v.isNull(i) { set(i, wanted.contains(v.doubles[i])) } }
        default:
            let wanted = Set(values.compactMap { value -> Int64? in
                switch value {
                case .bool(let b): return b ? 1 : 0
                default: return value.integerLane
                }
            })
            batch.forEachSelected { i in if !v.isNull(i) { set(i, wanted.contains(v.ints[i])) } }
        }
        return out
    }

    private func caseWhen(_ branches: [BoundCaseBranch], _ otherwise: BoundExpression?, _ type: SQLType,
                          _ batch: Batch) throws -> Vector {
        // Each branch sees the rows no earlier branch took; `chosen[i]` is the branch row i took (-1: none).
        var pending = batch
        var chosen = [Int](repeating: -1, count: batch.count)
        var results: [Vector] = []
        for (index, branch) in branches.enumerated() {
            let condition = branch.condition, result = branch.result
            guard pending.selectedCount > 0 else { break }
            var matched = pending
            try filter(condition, &matched)
            matched.forEachSelected { chosen[$0] = index }
            results.append(try evaluate(result, matched))
            var rest: [Int32] = []
            rest.reserveCapacity(pending.selectedCount)
            pending.forEachSelected { i in if chosen[i] < 0 { rest.append(Int32(i)) } }
            pending.selection = rest
        }
        if let otherwise {
            results.append(try evaluate(otherwise, pending))
            pending.forEachSelected { chosen[$0] = results.count - 1 }
        }
        if type == .string { return try mergeStrings(results, chosen, batch) }
        let out = Vector(type: type, count: batch.count)
        batch.forEachSelected { i in
            guard chosen[i] >= 0, !results[chosen[i]].isNull(i) else { out.setNull(i); return }
            let v = results[chosen[i]]
            out.copy(i, from: v, i)
        }
        return out
    }

    /// One string vector from rows of several (row i from `sources[chosen[i]]`, NULL where -1): small pools
    /// are mapped into the result's pool once, code by code; rows of large pools are interned one by one.
    private func mergeStrings(_ sources: [Vector], _ chosen: [Int], _ batch: Batch) throws -> Vector {
        let out = Vector(type: .string, count: batch.count)
        var index: [ByteKey: Int64] = [:]
        var list: [String] = []
        func intern(_ s: String) -> Int64 {
            if let code = index[ByteKey(s)] { return code }
            list.append(s)
            index[ByteKey(s)] = Int64(list.count - 1)
            return Int64(list.count - 1)
        }
        let maps: [[Int64]?] = sources.map { v in
            guard let pool = v.pool, pool.count <= max(64, batch.selectedCount / 4) else { return nil }
            return (0..<pool.count).map { intern(pool.string($0)) }
        }
        batch.forEachSelected { i in
            let k = chosen[i]
            guard k >= 0, !sources[k].isNull(i) else { out.setNull(i); return }
            let code = Int(sources[k].ints[i])
            out.ints[i] = maps[k]?[code] ?? intern(sources[k].pool!.string(code))
        }
        out.pool = StringPool(strings: list)
        return out
    }

    // MARK: Casts

    static func canCast(from: SQLType, to: SQLType) -> Bool {
        switch (from, to) {
        case (.date, .int64), (.int64, .date), (.timestamp, .int64), (.int64, .timestamp), (.boolean, .float64),
             (.boolean, .money), (.timestamp, .money), (.date, .money), (.timestamp, .float64), (.date, .float64),
             (.money, .timestamp), (.money, .date), (.float64, .timestamp), (.float64, .date),
             (.money, .boolean), (.float64, .boolean), (.timestamp, .boolean), (.date, .boolean), (.boolean, .timestamp),
             (.boolean, .date):
            return false
        default: return true
        }
    }

    private func cast(_ v: Vector, to type: SQLType, _ batch: Batch) throws -> Vector {
        if v.type == type { return v }
        if type == .string {
            if v.type == .string { return v }
            return strings(batch) { i in
                v.isNull(i) ? nil : ValueFormatting.text(v.value(i), offsetSeconds: offsetSeconds)
            }
        }
        let out = Vector(type: type, count: batch.count)
        out.nulls = v.nulls
        switch (v.type, type) {
        case (.int64, .float64): batch.forEachSelected { out.doubles[$0] = Double(v.ints[$0]) }
        case (_, .float64) where v.type.isDecimal:
            let unit = Double(DecimalMath.power(v.type.decimalScale!))
            batch.forEachSelected { out.doubles[$0] = Double(v.ints[$0]) / unit }
        case (_, _) where (v.type.isDecimal || v.type == .int64) && (type.isDecimal || type == .int64):
            // Between exact numbers: up exactly (an error past 18 digits), down rounded half away from zero.
            let from = v.type.decimalScale ?? 0, to = type.decimalScale ?? 0
            var failed: Int?
            batch.forEachSelected { i in
                if let r = DecimalMath.rescale(v.ints[i], from: from, to: to) { out.ints[i] = r }
                else if failed == nil && !v.isNull(i) { failed = i }
            }
            if let failed {
                throw QueryError("value \(ValueFormatting.text(v.value(failed), offsetSeconds: 0) ?? "") is out of range for \(type)")
            }
        case (.float64, .int64):
            try batch.forEachSelectedThrowing { i in
                if v.isNull(i) { return }
                out.ints[i] = try Self.toInt(v.doubles[i].rounded(.toNearestOrAwayFromZero))
            }
        case (.float64, _) where type.isDecimal:
            let scale = type.decimalScale!
            try batch.forEachSelectedThrowing { i in
                if v.isNull(i) { return }
                out.ints[i] = try Self.toUnits(v.doubles[i], scale: scale, type: type)
            }
        case (.boolean, .int64), (.int64, .boolean):
            batch.forEachSelected { out.ints[$0] = type == .boolean ? (v.ints[$0] != 0 ? 1 : 0) : v.ints[$0] }
        case (.timestamp, .date):
            byLocalDay(v, out, batch, perDay: { day, _ in day }, perRow: { _, _, day in day })
        case (.date, .timestamp):
            // A NULL's lane may hold anything (a sentinel that would overflow).
            batch.forEachSelected { i in
                if v.isNull(i) { return }
                out.ints[i] = TimeMath.midnight(ofDay: v.ints[i], offsetSeconds: offsetSeconds)
            }
        case (.string, _):
            let converted: [Value] = try v.pool.map { pool in
                try pool.perEntry(PerEntryKey.cast(type, offsetSeconds: offsetSeconds)) { try Self.castValue(.string($0), to: type, offsetSeconds: offsetSeconds) }
            } ?? []
            batch.forEachSelected { i in
                if v.isNull(i) { return }
                out.set(i, converted[Int(v.ints[i])])
            }
        default:
            throw QueryError("cannot cast \(v.type) to \(type)")
        }
        return out
    }

    /// Calendar work on time-ordered instants: `perDay(day, dayStart)` runs once per run of instants in the
    /// same local day (two comparisons per row instead of a division and a calendar conversion), and
    /// `perRow(instant, dayStart, perDayValue)` gives each row's result.
    @inline(__always)
    func byLocalDay(_ v: Vector, _ out: Vector, _ batch: Batch, perDay: (Int64, Int64) -> Int64,
                            perRow: (Int64, Int64, Int64) -> Int64) {
        let offset = offsetSeconds
        var dayStart = Int64.max, dayEnd = Int64.min, dayValue: Int64 = 0
        out.ints.withUnsafeMutableBufferPointer { o in
            v.ints.withUnsafeBufferPointer { t in
                batch.forEachSelected { i in
                    let x = t[i]
                    if x < dayStart || x >= dayEnd {
                        let day = TimeMath.localDay(x, offsetSeconds: offset)
                        dayStart = TimeMath.midnight(ofDay: day, offsetSeconds: offset)
                        dayEnd = dayStart + TimeMath.microsPerDay
                        dayValue = perDay(day, dayStart)
                    }
                    o[i] = perRow(x, dayStart, dayValue)
                }
            }
        }
    }

    static func roundDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b, r = a % b
        if abs(r) * 2 >= b { return q + (a < 0 ? -1 : 1) }
        return q
    }

    static func toInt(_ d: Double) throws -> Int64 {
        guard d.isFinite, d >= -9.2e18, d <= 9.2e18 else { throw QueryError("value \(d) is out of range for BIGINT") }
        return Int64(d)
    }

    /// A double as units of 10^-scale: the decimal value it prints as, rounded half away from zero (2.675 →
    /// 268 fen); out of the type's range is an error that names the value as given.
    static func toUnits(_ x: Double, scale: Int, type: SQLType) throws -> Int64 {
        let units = DoubleDecimal.round(x, digits: scale) * Double(DecimalMath.power(scale))
        guard units.isFinite, units >= -9.2e18, units <= 9.2e18 else { throw QueryError("value \(x) is out of range for \(type)") }
        return Int64(units.rounded())
    }

    /// `v` rounded half away from zero to a multiple of 10^`power` (round(x, −power) of an integer; of
    /// money in fen, power is 2 − digits). A result beyond BIGINT is an error.
    static func roundToPowerOfTen(_ v: Int64, power: Int, type: SQLType) throws -> Int64 {
        guard power > 0 else { return v }
        let overflow = QueryError("\(type) overflow in round")
        // 10^19 is past Int64: only values of at least half of it round away from 0, to ±10^19.
        guard power <= 18 else {
            if power == 19 && v.magnitude >= 5_000_000_000_000_000_000 { throw overflow }
            return 0
        }
        var unit: Int64 = 1
        for _ in 0..<power { unit *= 10 }
        let (rounded, o) = roundDiv(v, unit).multipliedReportingOverflow(by: unit)
        if o { throw overflow }
        return rounded
    }

    /// Converts one value (constants, and strings parsed per pool entry).
    static func castValue(_ v: Value, to type: SQLType, offsetSeconds: Int) throws -> Value {
        if v.isNull || v.type == type { return v }
        switch (v, type) {
        case (.string(let s), .string): return .string(s)
        case (_, .string): return .string(ValueFormatting.text(v, offsetSeconds: offsetSeconds) ?? "")
        case (.string(let s), _):
            return try parse(s, as: type, offsetSeconds: offsetSeconds)
        case (.int(let i), .float64): return .double(Double(i))
        case (_, _) where v.units != nil && v.type != .boolean && (type.isDecimal || type == .int64):
            let from = v.type.decimalScale ?? 0, to = type.decimalScale ?? 0
            guard let r = DecimalMath.rescale(v.units!, from: from, to: to) else {
                throw QueryError("\(ValueFormatting.text(v, offsetSeconds: 0) ?? "") is out of range for \(type)")
            }
            return to == 0 ? .int(r) : .exact(r, scale: to)
        case (.int(let i), .boolean): return .bool(i != 0)
        case (.bool(let b), .int64): return .int(b ? 1 : 0)
        case (_, .float64) where v.type.isDecimal: return .double(v.doubleValue!)
        case (.double(let d), .int64): return .int(try toInt(d.rounded(.toNearestOrAwayFromZero)))
        case (.double(let d), _) where type.isDecimal: return .exact(try toUnits(d, scale: type.decimalScale!, type: type), scale: type.decimalScale!)
        case (.timestamp(let t), .date): return .date(TimeMath.localDay(t, offsetSeconds: offsetSeconds))
        case (.date(let d), .timestamp): return .timestamp(TimeMath.midnight(ofDay: d, offsetSeconds: offsetSeconds))
        default: throw QueryError("cannot cast \(v.type) to \(type)")
        }
    }

    /// Text to a value of a type, with the feed rules (timestamps without offset are local time).
    static func parse(_ s: String, as type: SQLType, offsetSeconds: Int) throws -> Value {
        let trimmed = s.trimmingCharacters(in: .whitespaces)
        let fail = QueryError("could not convert '\(s)' to \(type)")
        switch type {
        case .int64:
            guard let i = Int64(trimmed) else { throw fail }
            return .int(i)
        case .float64:
            guard let d = Double(trimmed) else { throw fail }
            return .double(d)
        case .money:
            return try withBytes(trimmed) { bytes in
                guard let fen = ValueParsing.parseMoneyFen(bytes).value else { throw fail }
                return .money(fen)
            }
        case .decimal(let scale):
            guard let units = DecimalMath.parse(trimmed, scale: scale) else { throw fail }
            return .decimal(units, scale: scale)
        case .interval:
            guard let x = IntervalParsing.parse(trimmed) else { throw fail }
            return .interval(try x.checked())
        case .boolean:
            return try withBytes(trimmed) { bytes in
                guard let b = ValueParsing.parseBool(bytes).value else { throw fail }
                return .bool(b)
            }
        case .timestamp, .date:
            let micros: Int64 = try withBytes(trimmed) { bytes in
                guard let t = ValueParsing.parseTimestampMicros(bytes, localOffsetSeconds: offsetSeconds).value else { throw fail }
                return t
            }
            return type == .date ? .date(TimeMath.localDay(micros, offsetSeconds: offsetSeconds)) : .timestamp(micros)
        case .string: return .string(s)
        case .null: return .null
        }
    }

    private static func withBytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        var copy = s
        return try copy.withUTF8 { try body($0) }
    }

    /// `out` = −`v` for each selected row (with `onlyNegative`, for the negative values alone: abs); the one
    /// value without a negation, Int64.min, is an error (in a row that is not NULL), never a wrap.
    static func negateIntegers(_ v: Vector, into out: Vector, _ batch: Batch, what: String, onlyNegative: Bool = false) throws {
        var overflow = false
        batch.forEachSelected { i in
            let x = v.ints[i]
            if onlyNegative && x >= 0 { out.ints[i] = x; return }
            let (r, o) = Int64(0).subtractingReportingOverflow(x)
            out.ints[i] = r
            overflow = overflow || (o && !v.isNull(i))
        }
        if overflow { throw QueryError("\(out.type) overflow in \(what)") }
        if let parts = v.intervalParts {
            out.intervalParts = parts.map { p in Interval(months: -(p >> 32), days: -Int64(Int32(truncatingIfNeeded: p))).packed }
        }
    }

    /// `x % y` (sign of `x`, as in SQL) for `y` ≠ 0, without the trap of Int64.min % -1 (whose remainder is 0).
    static func remainder(_ x: Int64, _ y: Int64) -> Int64 {
        y == -1 ? 0 : x % y
    }

    /// Constant folding of a product or quotient of exact numbers (scales add, or `scale` for a quotient);
    /// nil when it would fail (left to run time, which names the value).
    static func foldExact(_ op: ArithmeticOperator, _ a: Value, _ b: Value, _ scale: Int) -> Value? {
        if a.isNull || b.isNull { return .null }
        guard let x = a.units, let y = b.units else { return nil }
        switch op {
        case .multiply:
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? nil : .exact(r, scale: scale)
        case .divide:
            if y == 0 { return .null }
            return DecimalMath.divide(x, a.type.decimalScale ?? 0, by: y, b.type.decimalScale ?? 0, scale: scale).map { .exact($0, scale: scale) }
        default: return nil
        }
    }

    /// Constant folding of arithmetic at bind time; nil when it would fail (left to run time).
    static func foldArithmetic(_ op: ArithmeticOperator, _ a: Value, _ b: Value, _ type: SQLType) -> Value? {
        if a.isNull || b.isNull { return .null }
        switch (a, b) {
        case (.int(let x), .int(let y)), (.money(let x), .money(let y)), (.decimal(let x, _), .decimal(let y, _)):
            let wrap: (Int64) -> Value = { type.isDecimal ? .exact($0, scale: type.decimalScale!) : .int($0) }
            switch op {
            case .add: let (r, o) = x.addingReportingOverflow(y); return o ? nil : wrap(r)
            case .subtract: let (r, o) = x.subtractingReportingOverflow(y); return o ? nil : wrap(r)
            case .multiply: return type.isDecimal ? nil : { let (r, o) = x.multipliedReportingOverflow(by: y); return o ? nil : wrap(r) }()
            case .modulo: return y == 0 ? .null : wrap(remainder(x, y))
            case .divide: return nil
            }
        case (.double(let x), .double(let y)):
            switch op {
            case .add: return .double(x + y)
            case .subtract: return .double(x - y)
            case .multiply: return .double(x * y)
            case .divide: return y == 0 ? .null : .double(x / y)
            case .modulo: return y == 0 ? .null : .double(x.truncatingRemainder(dividingBy: y))
            }
        default: return nil
        }
    }
}

extension BoundExpression {
    /// A table column, group key or aggregate: evaluating it copies nothing.
    var isColumnLike: Bool {
        switch self {
        case .column, .groupKey, .aggregate: return true
        default: return false
        }
    }
}

extension Batch {
    func forEachSelectedThrowing(_ body: (Int) throws -> Void) throws {
        if let selection {
            for i in selection { try body(Int(i)) }
        } else {
            for i in 0..<count { try body(i) }
        }
    }
}

/// What a per-entry result of a string pool is kept under (`StringPool.perEntry`).
enum PerEntryKey: Hashable {
    case like(LikePattern, negated: Bool)
    case comparison(ComparisonOperator, String)
    case cast(SQLType, offsetSeconds: Int)
}
