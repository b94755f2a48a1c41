/// What a function's `evaluate` sees of one batch: the call, its arguments' vectors, which of them are
/// constants, the result type, and the evaluator (zone and shared helpers).
struct FunctionEvaluation {
    let function: ScalarFunction
    let arguments: [Vector]
    /// Whether argument `i` is a constant of the query (the same in every row).
    let isConstant: [Bool]
    let type: SQLType
    let batch: Batch
    let evaluator: Evaluator

    var offsetSeconds: Int { evaluator.offsetSeconds }

    /// A result vector of the call's type, rows not yet written.
    func output() -> Vector { Vector(type: type, count: batch.count) }

    /// `compute` for each selected row's argument values. When one string argument varies and the others
    /// are constants, it runs once per entry of that argument's pool (a dictionary), the results kept with
    /// the pool for its later batches, when the batch uses a good share of the pool (its rows are at least a
    /// sixteenth of the entries); else once per code the batch holds. Long loops ask `CancellationPoll`.
    func valueByValue(strict: Bool, _ compute: ([Value], FunctionEvaluation) throws -> Value) throws -> Vector {
        let varying = arguments.indices.filter { !isConstant[$0] }
        var fixed = [Value](repeating: .null, count: arguments.count)
        if let first = firstSelected {
            for i in arguments.indices where isConstant[i] { fixed[i] = arguments[i].value(first) }
        }
        let constantNull = strict && fixed.indices.contains { isConstant[$0] && fixed[$0].isNull }
        if varying.count == 1, let pool = arguments[varying[0]].pool, pool.count <= Swift.max(64, batch.selectedCount * 16) {
            let key = EntryResultsKey(function: function, fixed: fixed, varying: varying[0], strict: strict)
            let entries = try pool.memoized(key) { try entryResults(pool, fixed: fixed, varying: varying[0], strict: strict, constantNull: constantNull, compute) }
            return gather(entries, by: arguments[varying[0]], nullCode: pool.count)
        }
        if varying.count == 1, arguments[varying[0]].pool != nil, !constantNull {
            return try byCode(strict: strict, fixed: fixed, varying: varying[0], compute)
        }
        return try rowByRow(strict: strict, fixed: fixed, constantNull: constantNull, compute)
    }

    /// What a call's results per pool entry are kept under: the function, its constant arguments, which
    /// argument the pool's strings go to.
    private struct EntryResultsKey: Hashable {
        let function: ScalarFunction
        let fixed: [Value]
        let varying: Int
        let strict: Bool
    }

    /// The call's result for every entry of `pool` (entry `pool.count`: a NULL argument's), as a vector of
    /// the call's type; string results are interned, so that equal results share a code.
    private func entryResults(_ pool: StringPool, fixed: [Value], varying k: Int, strict: Bool, constantNull: Bool,
                              _ compute: ([Value], FunctionEvaluation) throws -> Value) throws -> Vector {
        var args = fixed
        let n = pool.count
        let out = Vector(type: type, count: n + 1)
        let interner = type == .string ? StringInterner() : nil
        for code in 0...n {
            let value: Value
            if code == n {
                args[k] = .null
                value = strict ? .null : try compute(args, self)
            } else if constantNull {
                value = .null
            } else {
                let s = pool.string(code)
                try CancellationPoll.spend(s.utf8.count + 16)
                args[k] = .string(s)
                value = try compute(args, self)
            }
            if let interner {
                if case .string(let s) = value { out.ints[code] = interner.intern(s) } else { out.setNull(code) }
            } else {
                out.set(code, value)
            }
        }
        if let interner {
            // A string vector always has a pool, even when every result is NULL (their codes point at entry 0).
            if interner.count == 0 { _ = interner.intern("") }
            out.pool = StringPool(interner.dictionary(), isSorted: false)
        }
        return out
    }

    /// Each selected row's result from the per-entry results `entries`, by the row's code in `v`.
    private func gather(_ entries: Vector, by v: Vector, nullCode: Int) -> Vector {
        let out = output()
        out.pool = entries.pool
        let nulls = entries.nulls
        let isDouble = type == .float64
        if nulls != nil || v.nulls != nil { out.nulls = [UInt8](repeating: 0, count: batch.count) }
        v.ints.withUnsafeBufferPointer { codes in
            entries.ints.withUnsafeBufferPointer { ints in
                entries.doubles.withUnsafeBufferPointer { doubles in
                    out.ints.withUnsafeMutableBufferPointer { outInts in
                        out.doubles.withUnsafeMutableBufferPointer { outDoubles in
                            batch.forEachSelected { i in
                                let code = v.isNull(i) ? nullCode : Int(codes[i])
                                if let nulls, nulls[code] != 0 {
                                    out.nulls![i] = 1
                                    if !isDouble { outInts[i] = 0 }
                                } else if isDouble {
                                    outDoubles[i] = doubles[code]
                                } else {
                                    outInts[i] = ints[code]
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// One string argument varies over a pool larger than the batch: once per code the batch holds, the
    /// results numbered in order of first use (for a VARCHAR result, they are its pool).
    private func byCode(strict: Bool, fixed: [Value], varying k: Int, _ compute: ([Value], FunctionEvaluation) throws -> Value) throws -> Vector {
        let v = arguments[k], pool = v.pool!
        var args = fixed
        var known: [Int64: Int32] = [:]
        known.reserveCapacity(Swift.min(pool.count, batch.selectedCount))
        var results: [Value] = []
        var nullIndex: Int32?
        let out = output()
        try batch.forEachSelectedThrowing { i in
            let index: Int32
            if v.isNull(i) {
                if nullIndex == nil {
                    args[k] = .null
                    results.append(strict ? .null : try compute(args, self))
                    nullIndex = Int32(results.count - 1)
                }
                index = nullIndex!
            } else if let seen = known[v.ints[i]] {
                index = seen
            } else {
                let s = pool.string(Int(v.ints[i]))
                try CancellationPoll.spend(s.utf8.count + 16)
                args[k] = .string(s)
                results.append(try compute(args, self))
                index = Int32(results.count - 1)
                known[v.ints[i]] = index
            }
            if type == .string {
                if results[Int(index)].isNull { out.setNull(i) } else { out.ints[i] = Int64(index) }
            } else {
                out.set(i, results[Int(index)])
            }
        }
        if type == .string { out.pool = StringPool(strings: results.map(\.string)) }
        return out
    }

    private var firstSelected: Int? {
        if let selection = batch.selection { return selection.first.map(Int.init) }
        return batch.count > 0 ? 0 : nil
    }

    private func rowByRow(strict: Bool, fixed: [Value], constantNull: Bool, _ compute: ([Value], FunctionEvaluation) throws -> Value) throws -> Vector {
        var args = fixed
        var results: [Value] = []
        results.reserveCapacity(batch.selectedCount)
        try batch.forEachSelectedThrowing { i in
            var anyNull = false
            for k in arguments.indices where !isConstant[k] {
                args[k] = arguments[k].value(i)
                if args[k].isNull { anyNull = true }
                if case .string(let s) = args[k] { try CancellationPoll.spend(s.utf8.count + 16) }
            }
            if strict && (anyNull || constantNull) { results.append(.null); return }
            results.append(try compute(args, self))
        }
        var n = 0
        if type == .string {
            return evaluator.strings(batch) { _ in
                defer { n += 1 }
                if case .string(let s) = results[n] { return s }
                return nil
            }
        }
        let out = output()
        batch.forEachSelected { i in out.set(i, results[n]); n += 1 }
        return out
    }
}

extension Vector {
    /// Writes one value (of this vector's type, or NULL) into a row of the integer or double lane.
    func set(_ row: Int, _ value: Value) {
        switch value {
        case .null: setNull(row)
        case .double(let d): doubles[row] = d
        case .bool(let b): ints[row] = b ? 1 : 0
        case .int(let x), .money(let x), .decimal(let x, _), .timestamp(let x), .date(let x): ints[row] = x
        case .interval(let x): setInterval(row, x)
        case .string: setNull(row)
        }
    }
}
