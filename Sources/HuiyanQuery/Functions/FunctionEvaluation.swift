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
    /// are constants, it runs once per entry of that argument's pool (a dictionary) when the pool is no
    /// larger than the batch, else once per code the batch holds; long loops ask `CancellationPoll`.
    func valueByValue(strict: Bool, _ compute: ([Value], FunctionEvaluation) throws -> Value) throws -> Vector {
        let varying = arguments.indices.filter { !isConstant[$0] }
        var fixed = [Value](repeating: .null, count: arguments.count)
        if let first = firstSelected {
            for i in arguments.indices where isConstant[i] { fixed[i] = arguments[i].value(first) }
        }
        let constantNull = strict && fixed.indices.contains { isConstant[$0] && fixed[$0].isNull }
        if varying.count == 1, let pool = arguments[varying[0]].pool, pool.count <= Swift.max(64, batch.selectedCount) {
            // Once per dictionary entry (and once for a NULL), then gathered by code; entry `pool.count` is NULL's.
            let v = arguments[varying[0]], k = varying[0]
            var args = fixed
            var results: [Value] = try (0..<pool.count).map { code in
                if constantNull { return .null }
                let s = pool.string(code)
                try CancellationPoll.spend(s.utf8.count + 16)
                args[k] = .string(s)
                return try compute(args, self)
            }
            args[k] = .null
            results.append(strict ? .null : try compute(args, self))
            let nullCode = Int64(pool.count)
            let out = output()
            if type == .string {
                out.pool = StringPool(strings: results.map(\.string))
                batch.forEachSelected { i in
                    let code = v.isNull(i) ? nullCode : v.ints[i]
                    if results[Int(code)].isNull { out.setNull(i) } else { out.ints[i] = code }
                }
            } else {
                batch.forEachSelected { i in out.set(i, results[Int(v.isNull(i) ? nullCode : v.ints[i])]) }
            }
            return out
        }
        if varying.count == 1, arguments[varying[0]].pool != nil, !constantNull {
            return try byCode(strict: strict, fixed: fixed, varying: varying[0], compute)
        }
        return try rowByRow(strict: strict, fixed: fixed, constantNull: constantNull, compute)
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
        case .int(let x), .money(let x), .decimal(let x, _), .timestamp(let x), .date(let x), .interval(_, let x): ints[row] = x
        case .string: setNull(row)
        }
    }
}
