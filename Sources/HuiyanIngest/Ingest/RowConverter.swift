import HuiyanStorage

/// Turns the bound fields of one record into typed values, checks them against the schema, and appends
/// the row to a segment builder only when every value is good (a bad row adds nothing).
final class RowConverter {
    let schema: TableSchema
    let localOffsetSeconds: Int
    private var ints: [Int64]
    private var doubles: [Double]
    private var isNull: [Bool]
    private var hashes: [UInt64]
    /// The columns' rules, copied out of the schema once: the row loop reads no `String` (no reference counting).
    private let rules: [Rule]

    struct Rule {
        var type: ColumnType
        var nullable: Bool
        var minimum: Int64?
    }

    init(schema: TableSchema, localOffsetSeconds: Int) {
        self.schema = schema
        self.localOffsetSeconds = localOffsetSeconds
        rules = schema.columns.map { Rule(type: $0.type, nullable: $0.nullable, minimum: $0.minimum) }
        ints = [Int64](repeating: 0, count: schema.columns.count)
        doubles = [Double](repeating: 0, count: schema.columns.count)
        isNull = [Bool](repeating: false, count: schema.columns.count)
        hashes = [UInt64](repeating: 0, count: schema.columns.count)
    }

    /// What went wrong with one value.
    struct ValueFailure {
        var column: Int
        var reason: String
    }

    /// Parses every slot; on success appends the row to `builder` and returns nil.
    func convert(_ slots: UnsafeMutableBufferPointer<FieldSlot>, into builder: SegmentBuilder) -> ValueFailure? {
        for index in rules.indices {
            let column = rules[index]
            let slot = slots[index]
            switch slot.state {
            case .missing, .null:
                guard column.nullable else {
                    return ValueFailure(column: index, reason: slot.state == .missing ? "required column is missing" : "required value is empty")
                }
                isNull[index] = true
                continue
            case .text, .quotedText:
                isNull[index] = false
            }
            let bytes = slot.bytes
            if column.type == .string {
                if bytes.isEmpty && !column.nullable { return ValueFailure(column: index, reason: "required value is empty") }
                // A string already in the dictionary was validated when it entered: only new ones are checked.
                let raw = UnsafeRawBufferPointer(bytes)
                let hash = StringDictionaryBuilder.hash(raw)
                hashes[index] = hash
                if let code = builder.columns[index].dictionary!.find(raw, hash: hash) {
                    ints[index] = code
                } else {
                    ints[index] = -1
                    if !ValueParsing.isValidUTF8(bytes) { return ValueFailure(column: index, reason: ValueError.invalidUTF8.description) }
                }
                continue
            }
            if bytes.isEmpty {
                guard column.nullable else { return ValueFailure(column: index, reason: "required value is empty") }
                isNull[index] = true
                continue
            }
            let failure: ValueError?
            switch column.type {
            case .timestamp:
                let parsed = ValueParsing.parseTimestampMicros(bytes, localOffsetSeconds: localOffsetSeconds)
                ints[index] = parsed.value ?? 0
                failure = parsed.error
            case .int64:
                let parsed = ValueParsing.parseInt64(bytes)
                ints[index] = parsed.value ?? 0
                failure = parsed.error
            case .money:
                let parsed = ValueParsing.parseMoneyFen(bytes)
                ints[index] = parsed.value ?? 0
                failure = parsed.error
            case .bool:
                let parsed = ValueParsing.parseBool(bytes)
                ints[index] = (parsed.value ?? false) ? 1 : 0
                failure = parsed.error
            case .float64:
                let parsed = ValueParsing.parseFloat64(bytes)
                doubles[index] = parsed.value ?? 0
                failure = parsed.error
            case .string:
                failure = nil
            }
            if let failure {
                let reason = ValueParsing.isValidUTF8(bytes) ? failure.description : ValueError.invalidUTF8.description
                return ValueFailure(column: index, reason: reason)
            }
            if let minimum = column.minimum, ints[index] < minimum {
                return ValueFailure(column: index, reason: "must be at least \(minimum)")
            }
        }
        for (index, column) in builder.columns.enumerated() {
            if isNull[index] { column.appendNull(); continue }
            switch rules[index].type.lane {
            case .int64: column.appendInt64(ints[index])
            case .float64: column.appendDouble(doubles[index])
            case .string:
                if ints[index] >= 0 {
                    column.appendCode(ints[index])
                } else {
                    column.appendCode(column.dictionary!.intern(UnsafeRawBufferPointer(slots[index].bytes), hash: hashes[index]))
                }
            }
        }
        return nil
    }
}
