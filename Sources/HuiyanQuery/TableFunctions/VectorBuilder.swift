import HuiyanStorage

/// One column of a chunk a table source makes, value by value: integers (BIGINT, DECIMAL units, TIMESTAMP,
/// DATE, BOOLEAN), doubles, or strings interned into a dictionary that becomes the vector's sorted pool.
struct VectorBuilder {
    let type: SQLType
    private(set) var count = 0
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var nulls: [UInt8]?
    private var strings: StringDictionaryBuilder?

    init(type: SQLType, capacity: Int) {
        self.type = type
        if type == .float64 { doubles.reserveCapacity(capacity) } else { ints.reserveCapacity(capacity) }
        if type == .string { strings = StringDictionaryBuilder() }
    }

    mutating func appendNull() {
        if nulls == nil { nulls = [UInt8](repeating: 0, count: count); nulls!.reserveCapacity(Swift.max(count * 2, 1024)) }
        nulls!.append(1)
        if type == .float64 { doubles.append(0) } else { ints.append(0) }
        count += 1
    }

    @inline(__always) private mutating func appended() {
        nulls?.append(0)
        count += 1
    }

    @inline(__always) mutating func append(_ value: Int64) {
        ints.append(value)
        appended()
    }

    @inline(__always) mutating func append(_ value: Double) {
        doubles.append(value)
        appended()
    }

    /// A string's UTF-8 bytes (checked by the caller).
    @inline(__always) mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        ints.append(strings!.intern(UnsafeRawBufferPointer(bytes)))
        appended()
    }

    /// The vector of the values appended; the builder is spent.
    mutating func finish() -> Vector {
        if type == .float64 {
            let v = Vector(type: type, count: count)
            v.doubles = doubles
            v.nulls = nulls
            return v
        }
        var codes = ints
        var pool: StringPool?
        if let strings {
            let (dictionary, remap) = strings.finish()
            for i in codes.indices where nulls?[i] != 1 { codes[i] = remap[Int(codes[i])] }
            // A NULL's code must still point into the pool.
            if let nulls { for i in codes.indices where nulls[i] != 0 { codes[i] = 0 } }
            pool = StringPool(dictionary.count == 0 ? StringDictionary(bytes: [], starts: [0, 0]) : dictionary, isSorted: dictionary.count > 0)
        }
        let v = Vector(type: type, ints: codes, nulls: nulls)
        v.pool = pool
        return v
    }
}
