import HuiyanBuffers
import HuiyanStorage
import HuiyanValues

/// Turns the bound fields of one record into typed values, checks them against the schema, and stages the
/// row for a segment builder only when every value is good (a bad row adds nothing).
///
/// Good rows are staged column by column in `UncheckedBuffer`s of `batchRows` rows and handed to the builder's
/// columns a batch at a time (`flush(into:)`): one array append per column and batch instead of per value,
/// and no reference counting in the row loop. Strings are interned into the builder's dictionaries as their
/// row is staged, so codes are handed out in row order exactly as before. A caller must `flush` before it
/// reads the builder's rows or switches to another builder.
final class RowConverter {
    let schema: TableSchema
    let localOffsetSeconds: Int
    static let batchRows = 1024

    private let columnCount: Int
    /// The columns' rules, copied out of the schema once: the row loop reads no `String` (no reference counting).
    private let rules: UncheckedBuffer<Rule>
    /// One row being converted.
    private let rowInts: UncheckedBuffer<Int64>
    private let rowDoubles: UncheckedBuffer<Double>
    private let rowNull: UncheckedBuffer<Bool>
    private let rowHashes: UncheckedBuffer<UInt64>
    /// Staged rows, column-major: column `c`'s staged row `k` is at `c * batchRows + k`.
    private let stagedInts: UncheckedBuffer<Int64>
    private let stagedDoubles: UncheckedBuffer<Double>
    private let stagedNulls: UncheckedBuffer<Bool>
    private let stagedNullCounts: UncheckedBuffer<Int>
    private(set) var stagedCount = 0
    /// The builder rows are being staged for, and its columns' dictionaries (nil for other columns).
    private var target: ObjectIdentifier?
    /// Held so that `target` cannot be reused by another builder's address.
    private var targetBuilder: SegmentBuilder?
    private let dictionaries: UncheckedBuffer<Unmanaged<StringDictionaryBuilder>?>

    struct Rule: BitwiseCopyable {
        var type: ColumnType
        var lane: ColumnType.Lane
        var nullable: Bool
        var minimum: Int64?
    }

    init(schema: TableSchema, localOffsetSeconds: Int) {
        self.schema = schema
        self.localOffsetSeconds = localOffsetSeconds
        let n = schema.columns.count
        columnCount = n
        rules = .allocate(capacity: max(n, 1))
        for (i, c) in schema.columns.enumerated() {
            rules[unchecked: i] = Rule(type: c.type, lane: c.type.lane, nullable: c.nullable, minimum: c.minimum)
        }
        rowInts = .allocate(capacity: max(n, 1), filledWith: 0)
        rowDoubles = .allocate(capacity: max(n, 1), filledWith: 0)
        rowNull = .allocate(capacity: max(n, 1), filledWith: false)
        rowHashes = .allocate(capacity: max(n, 1), filledWith: 0)
        let staged = max(n, 1) * Self.batchRows
        stagedInts = .allocate(capacity: staged, filledWith: 0)
        stagedDoubles = .allocate(capacity: staged, filledWith: 0)
        stagedNulls = .allocate(capacity: staged, filledWith: false)
        stagedNullCounts = .allocate(capacity: max(n, 1), filledWith: 0)
        dictionaries = .allocate(capacity: max(n, 1), filledWith: nil)
    }

    deinit {
        rules.deallocate()
        rowInts.deallocate(); rowDoubles.deallocate(); rowNull.deallocate(); rowHashes.deallocate()
        stagedInts.deallocate(); stagedDoubles.deallocate(); stagedNulls.deallocate(); stagedNullCounts.deallocate()
        dictionaries.deallocate()
    }

    /// What went wrong with one value.
    struct ValueFailure {
        var column: Int
        var reason: String
    }

    /// Points the staging at `builder`'s dictionaries (rows staged for another builder must be flushed first).
    @inline(__always)
    private func target(_ builder: SegmentBuilder) {
        let id = ObjectIdentifier(builder)
        if target == id { return }
        precondition(stagedCount == 0, "rows staged for another builder were not flushed")
        target = id
        targetBuilder = builder
        for (i, column) in builder.columns.enumerated() {
            dictionaries[unchecked: i] = column.dictionary.map { Unmanaged.passUnretained($0) }
        }
    }

    /// Parses every slot; on success stages the row for `builder` and returns nil. When `batchIsFull`, the
    /// caller must `flush(into:)` before the next row.
    func convert(_ slots: UnsafeMutableBufferPointer<FieldSlot>, into builder: SegmentBuilder) -> ValueFailure? {
        target(builder)
        for index in 0..<columnCount {
            let column = rules[unchecked: index]
            let slot = slots[index]
            switch slot.state {
            case .missing, .null:
                guard column.nullable else {
                    return ValueFailure(column: index, reason: slot.state == .missing ? "required column is missing" : "required value is empty")
                }
                rowNull[unchecked: index] = true
                continue
            case .text, .quotedText:
                rowNull[unchecked: index] = false
            }
            let bytes = slot.bytes
            // An empty value (`""` quoted in CSV, `""` in NDJSON) is NULL in a nullable column, as an unquoted
            // empty field is, and rejected in a required one: for strings as for every other type.
            if bytes.isEmpty {
                guard column.nullable else { return ValueFailure(column: index, reason: "required value is empty") }
                rowNull[unchecked: index] = true
                continue
            }
            if column.type == .string {
                // A string already in the dictionary was validated when it entered: only new ones are checked.
                let raw = UnsafeRawBufferPointer(bytes)
                let hash = StringDictionaryBuilder.hash(raw)
                rowHashes[unchecked: index] = hash
                let code = dictionaries[unchecked: index].unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.find(raw, hash: hash) }
                if let code {
                    rowInts[unchecked: index] = code
                } else {
                    rowInts[unchecked: index] = -1
                    if !ValueParsing.isValidUTF8(bytes) { return ValueFailure(column: index, reason: ValueError.invalidUTF8.description) }
                }
                continue
            }
            let failure: ValueError?
            switch column.type {
            case .timestamp:
                (rowInts[unchecked: index], failure) = Self.unpack(
                    ValueParsing.parseTimestampMicros(bytes, localOffsetSeconds: localOffsetSeconds, withinLocalYears: true), or: 0)
            case .int64:
                (rowInts[unchecked: index], failure) = Self.unpack(ValueParsing.parseInt64(bytes), or: 0)
            case .date:
                (rowInts[unchecked: index], failure) = Self.unpack(ValueParsing.parseDateDays(bytes), or: 0)
            case .money:
                (rowInts[unchecked: index], failure) = Self.unpack(ValueParsing.parseMoneyFen(bytes), or: 0)
            case .bool:
                let (value, error) = Self.unpack(ValueParsing.parseBool(bytes), or: false)
                rowInts[unchecked: index] = value ? 1 : 0
                failure = error
            case .float64:
                (rowDoubles[unchecked: index], failure) = Self.unpack(ValueParsing.parseFloat64(bytes), or: 0)
            case .string:
                failure = nil
            }
            if let failure {
                let reason = ValueParsing.isValidUTF8(bytes) ? failure.description : ValueError.invalidUTF8.description
                return ValueFailure(column: index, reason: reason)
            }
            if let minimum = column.minimum, rowInts[unchecked: index] < minimum {
                return ValueFailure(column: index, reason: "must be at least \(minimum)")
            }
        }
        // Every value is good: stage the row (new strings enter their dictionary now, in row order).
        let k = stagedCount
        for index in 0..<columnCount {
            let at = index * Self.batchRows + k
            if rowNull[unchecked: index] {
                stagedNulls[unchecked: at] = true
                stagedNullCounts[unchecked: index] += 1
                continue
            }
            stagedNulls[unchecked: at] = false
            switch rules[unchecked: index].lane {
            case .int64:
                stagedInts[unchecked: at] = rowInts[unchecked: index]
            case .float64:
                stagedDoubles[unchecked: at] = rowDoubles[unchecked: index]
            case .string:
                var code = rowInts[unchecked: index]
                if code < 0 {
                    let raw = UnsafeRawBufferPointer(slots[index].bytes)
                    let hash = rowHashes[unchecked: index]
                    code = dictionaries[unchecked: index].unsafelyUnwrapped._withUnsafeGuaranteedRef { $0.intern(raw, hash: hash) }
                }
                stagedInts[unchecked: at] = code
            }
        }
        stagedCount = k + 1
        return nil
    }

    /// A parser's result as the value (or `fallback`) and the error: a switch here, in this module, so the generic
    /// enum of HuiyanValues is matched on its concrete layout instead of through its generic accessors.
    @inline(__always)
    private static func unpack<T>(_ parsed: ParsedValue<T>, or fallback: T) -> (T, ValueError?) {
        switch parsed {
        case .value(let value): return (value, nil)
        case .invalid(let error): return (fallback, error)
        }
    }

    /// True when a batch is full and must be flushed before the next row.
    @inline(__always)
    var batchIsFull: Bool { stagedCount == Self.batchRows }

    /// Appends the staged rows to `builder` (the builder they were staged for).
    func flush(into builder: SegmentBuilder) {
        guard stagedCount > 0 else { return }
        precondition(target == ObjectIdentifier(builder), "rows staged for another builder")
        for (index, column) in builder.columns.enumerated() {
            let at = index * Self.batchRows
            let rows = at..<(at + stagedCount)
            column.appendBatch(ints: stagedInts.slice(unchecked: rows), doubles: stagedDoubles.slice(unchecked: rows),
                               nulls: stagedNulls.slice(unchecked: rows),
                               nullsInBatch: stagedNullCounts[unchecked: index], count: stagedCount)
            stagedNullCounts[unchecked: index] = 0
        }
        stagedCount = 0
    }
}
