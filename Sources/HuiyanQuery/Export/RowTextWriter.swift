import HuiyanBuffers
import HuiyanStorage
import HuiyanValues

/// The text formats results are written in.
package enum TextFormat: String, Sendable, CaseIterable {
    /// RFC 4180: a header row, a field quoted when it holds a comma, a quote or a line break; NULL empty.
    case csv
    /// One JSON object per line; numbers (money too) as numbers, NULL as null, timestamps as text.
    case ndjson
}

/// Writes rows as CSV or NDJSON text into a buffer of bytes that goes to `sink` whenever it holds a
/// mebibyte: a result of any size is written in constant memory. Rows of a chunk are formatted straight
/// from its column vectors (strings from their dictionaries' bytes), with nothing allocated per row; money
/// prints as yuan with two decimals, timestamps in the zone of `offsetSeconds` (as `ValueFormatting`).
package final class RowTextWriter {
    package let format: TextFormat
    private let offsetSeconds: Int
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    /// NDJSON: `{"name":` and `,"name":` for each column; CSV: the header line.
    private let keys: [[UInt8]]
    private let header: [UInt8]
    private let out = GrowableBuffer<UInt8>(capacity: RowTextWriter.flushBytes + 4096)
    /// The last day formatted, and its `YYYY-MM-DD` (rows of a feed share few days).
    private var cachedDay = Int64.min
    private var cachedDate: [UInt8] = []
    /// Rows written so far.
    package private(set) var rows = 0

    static let flushBytes = 1 << 20

    package init(format: TextFormat, columnNames: [String], offsetSeconds: Int, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.format = format
        self.offsetSeconds = offsetSeconds
        self.sink = sink
        var keys: [[UInt8]] = []
        var header: [UInt8] = []
        for (index, name) in columnNames.enumerated() {
            keys.append(Array((index == 0 ? "{" : ",").utf8) + Self.jsonText(name) + [UInt8(ascii: ":")])
            if index > 0 { header.append(UInt8(ascii: ",")) }
            header += Self.csvText(Array(name.utf8))
        }
        self.keys = keys
        self.header = header + [0x0A]
    }

    /// The CSV header line (nothing for NDJSON).
    package func writeHeader() throws {
        if format == .csv { put(header) }
    }

    /// Writes rows given as values (a result already made).
    package func write(row: [Value]) throws {
        for (column, value) in row.enumerated() {
            startField(column)
            switch value {
            case .null: putNull()
            case .bool(let v): put(v ? Self.trueText : Self.falseText)
            case .int(let v): putInt(v)
            case .double(let v): putDouble(v)
            case .money(let v): putMoney(v)
            case .decimal(let v, let scale): putDecimal(v, scale: scale)
            case .timestamp(let v): putTimestamp(v)
            case .date(let v): putDate(v)
            case .string(let v): putString(Array(v.utf8))
            case .interval: putString(Array((ValueFormatting.text(value, offsetSeconds: offsetSeconds) ?? "").utf8))
            }
        }
        try endRow()
    }

    /// One column of a chunk as buffers over its arrays (subscripts checked in debug builds), valid inside
    /// `withViews`.
    private struct ColumnView {
        var type: SQLType
        var ints: UnsafeBufferPointer<Int64>
        var doubles: UnsafeBufferPointer<Double>
        var nulls: UnsafeBufferPointer<UInt8>?
        /// A string column's dictionary: its bytes and `starts`.
        var bytes: UncheckedBytes
        var starts: UnsafeBufferPointer<Int>?
    }

    /// Writes the first `width` columns of every row of `chunk`.
    func write(_ chunk: DataChunk, width: Int) throws {
        var views: [ColumnView] = []
        views.reserveCapacity(width)
        try Self.withViews(chunk.columns.prefix(width), &views) { views in
            for row in 0..<chunk.count {
                for (column, view) in views.enumerated() {
                    startField(column)
                    if view.type == .null || view.nulls?[row] ?? 0 != 0 { putNull(); continue }
                    switch view.type {
                    case .boolean: put(view.ints[row] != 0 ? Self.trueText : Self.falseText)
                    case .int64: putInt(view.ints[row])
                    case .float64: putDouble(view.doubles[row])
                    case .money: putMoney(view.ints[row])
                    case .decimal(let scale): putDecimal(view.ints[row], scale: scale)
                    case .interval:
                        putString(Array(ValueFormatting.interval(chunk.columns[column].interval(row)).utf8))
                    case .timestamp: putTimestamp(view.ints[row])
                    case .date: putDate(view.ints[row])
                    case .string:
                        let code = Int(view.ints[row])
                        // The dictionary's starts are checked where it is read: each lies inside its bytes.
                        putString(view.bytes.slice(unchecked: view.starts![code]..<view.starts![code + 1]))
                    case .null: putNull()
                    }
                }
                try endRow()
            }
        }
    }

    /// Calls `body` with a view of each of `columns`, its arrays' storage held in place meanwhile (one
    /// closure inside the other): the row loop reads through pointers, with no reference counting a value.
    private static func withViews(_ columns: ArraySlice<Vector>, _ views: inout [ColumnView],
                                  _ body: ([ColumnView]) throws -> Void) throws {
        guard let vector = columns.first else { return try body(views) }
        let rest = columns.dropFirst()
        try vector.ints.withUnsafeBufferPointer { ints in
            try vector.doubles.withUnsafeBufferPointer { doubles in
                try withOptional(vector.nulls) { nulls in
                    let dictionary = vector.type == .string ? vector.pool?.dictionary : nil
                    try withOptional(dictionary?.bytes) { bytes in
                        try withOptional(dictionary?.starts) { starts in
                            views.append(ColumnView(type: vector.type, ints: ints, doubles: doubles, nulls: nulls,
                                                    bytes: bytes.map(UncheckedBytes.init) ?? UncheckedBytes(start: nil, count: 0),
                                                    starts: starts))
                            try withViews(rest, &views, body)
                        }
                    }
                }
            }
        }
    }

    private static func withOptional<T>(_ array: [T]?, _ body: (UnsafeBufferPointer<T>?) throws -> Void) rethrows {
        guard let array else { return try body(nil) }
        try array.withUnsafeBufferPointer { try body($0) }
    }

    /// Hands what is buffered to the sink.
    package func finish() throws {
        if out.count > 0 { try out.withValues { try sink(UnsafeRawBufferPointer($0)) } }
        out.removeAll()
    }

    // MARK: Pieces

    private static let trueText = Array("true".utf8), falseText = Array("false".utf8), nullText = Array("null".utf8)

    @inline(__always) private func put(_ byte: UInt8) { out.append(byte) }

    private func put(_ text: [UInt8]) { text.withUnsafeBytes { put(UncheckedBytes($0)) } }

    private func put(_ text: UncheckedBytes) { out.append(text) }

    @inline(__always) private func startField(_ column: Int) {
        if format == .ndjson { put(keys[column]) } else if column > 0 { put(UInt8(ascii: ",")) }
    }

    private func endRow() throws {
        if format == .ndjson { put(UInt8(ascii: "}")) }
        put(0x0A)
        rows += 1
        if out.count >= Self.flushBytes { try finish() }
    }

    private func putNull() {
        if format == .ndjson { put(Self.nullText) }
    }

    /// Decimal digits of `magnitude`, at least `minimum` of them: zeros appended, then the digits written over
    /// them from the end.
    private func putDigits(_ magnitude: UInt64, minimum: Int = 1) {
        var digits = 1
        var probe = magnitude
        while probe >= 10 { probe /= 10; digits += 1 }
        digits = max(digits, minimum)
        out.append(repeating: UInt8(ascii: "0"), count: digits)
        var value = magnitude
        var index = out.count
        while value > 0 {
            index -= 1
            out[unchecked: index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
    }

    private func putInt(_ value: Int64) {
        if value < 0 { put(UInt8(ascii: "-")) }
        putDigits(value.magnitude)
    }

    private func putMoney(_ fen: Int64) {
        if fen < 0 { put(UInt8(ascii: "-")) }
        putDigits(fen.magnitude / 100)
        put(UInt8(ascii: "."))
        putDigits(fen.magnitude % 100, minimum: 2)
    }

    /// An exact decimal of `scale` places (`units` of 10^-scale), as ValueFormatting writes it.
    private func putDecimal(_ units: Int64, scale: Int) {
        guard scale > 0 else { return putInt(units) }
        var unit: UInt64 = 1
        for _ in 0..<scale { unit *= 10 }
        if units < 0 { put(UInt8(ascii: "-")) }
        putDigits(units.magnitude / unit)
        put(UInt8(ascii: "."))
        putDigits(units.magnitude % unit, minimum: scale)
    }

    private func putDouble(_ value: Double) {
        if format == .ndjson && !value.isFinite { return put(Self.nullText) }
        put(Array(ValueFormatting.double(value).utf8))
    }

    private func putDate(_ day: Int64) {
        if day != cachedDay {
            cachedDay = day
            cachedDate = Array(TimeMath.formatDate(day).utf8)
        }
        if format == .ndjson { put(UInt8(ascii: "\"")) }
        put(cachedDate)
        if format == .ndjson { put(UInt8(ascii: "\"")) }
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` in the zone, as `TimeMath.formatTimestamp` (which writes the rare
    /// value the zone would carry out of the years 0001–9999).
    private func putTimestamp(_ micros: Int64) {
        let local = micros &+ Int64(offsetSeconds) * TimeMath.microsPerSecond
        guard ValueParsing.timestampRange.contains(local) else {
            let text = Array(TimeMath.formatTimestamp(micros, offsetSeconds: offsetSeconds).utf8)
            return format == .ndjson ? put(Self.jsonText(text)) : put(text)
        }
        let day = TimeMath.floorDiv(local, TimeMath.microsPerDay)
        let inDay = local - day * TimeMath.microsPerDay
        let seconds = UInt64(inDay / TimeMath.microsPerSecond)
        if format == .ndjson { put(UInt8(ascii: "\"")) }
        if day != cachedDay {
            cachedDay = day
            cachedDate = Array(TimeMath.formatDate(day).utf8)
        }
        put(cachedDate)
        put(UInt8(ascii: " "))
        putDigits(seconds / 3600, minimum: 2)
        put(UInt8(ascii: ":"))
        putDigits(seconds / 60 % 60, minimum: 2)
        put(UInt8(ascii: ":"))
        putDigits(seconds % 60, minimum: 2)
        var fraction = UInt64(inDay % TimeMath.microsPerSecond)
        if fraction != 0 {
            var digits = 6
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            put(UInt8(ascii: "."))
            putDigits(fraction, minimum: digits)
        }
        if format == .ndjson { put(UInt8(ascii: "\"")) }
    }

    private func putString(_ text: [UInt8]) { text.withUnsafeBytes { putString(UncheckedBytes($0)) } }

    private func putString(_ text: UncheckedBytes) {
        if format == .ndjson {
            put(UInt8(ascii: "\""))
            Self.escapeJSON(text) { put($0) } bytes: { put($0) }
            put(UInt8(ascii: "\""))
        } else if Self.needsQuotes(text) {
            put(UInt8(ascii: "\""))
            for i in 0..<text.count {
                let byte = text[unchecked: i]
                if byte == 0x22 { put(0x22) }
                put(byte)
            }
            put(UInt8(ascii: "\""))
        } else {
            put(text)
        }
    }

    // MARK: Escaping

    /// Whether a CSV field holds a comma, a quote or a line break.
    @inline(__always)
    private static func needsQuotes(_ text: UncheckedBytes) -> Bool {
        for i in 0..<text.count {
            let byte = text[unchecked: i]
            if byte <= 0x2C && (byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D) { return true }
        }
        return false
    }

    /// `text` as a CSV field: quoted when it holds a comma, a quote or a line break.
    static func csvText(_ text: [UInt8]) -> [UInt8] {
        guard text.withUnsafeBytes({ needsQuotes(UncheckedBytes($0)) }) else { return text }
        var out: [UInt8] = [0x22]
        for byte in text {
            if byte == 0x22 { out.append(0x22) }
            out.append(byte)
        }
        return out + [0x22]
    }

    /// `text` as a JSON string, quotes included.
    static func jsonText(_ text: String) -> [UInt8] { jsonText(Array(text.utf8)) }

    static func jsonText(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x22]
        text.withUnsafeBytes { escapeJSON(UncheckedBytes($0)) { out.append($0) } bytes: { out.append(contentsOf: $0.buffer) } }
        return out + [0x22]
    }

    /// The JSON escape of `text` (without quotes): `"`, `\`, and control characters escaped; the rest as is.
    static func escapeJSON(_ text: UncheckedBytes, byte: (UInt8) -> Void, bytes: (UncheckedBytes) -> Void) {
        var plainStart = 0
        for index in 0..<text.count {
            let value = text[unchecked: index]
            guard value < 0x20 || value == 0x22 || value == 0x5C else { continue }
            if index > plainStart { bytes(text.slice(unchecked: plainStart..<index)) }
            plainStart = index + 1
            byte(0x5C)
            switch value {
            case 0x22, 0x5C: byte(value)
            case 0x0A: byte(UInt8(ascii: "n"))
            case 0x0D: byte(UInt8(ascii: "r"))
            case 0x09: byte(UInt8(ascii: "t"))
            default:
                let hex = Array("0123456789abcdef".utf8)
                for b in Array("u00".utf8) + [hex[Int(value >> 4)], hex[Int(value & 15)]] { byte(b) }
            }
        }
        if text.count > plainStart { bytes(text.slice(unchecked: plainStart..<text.count)) }
    }
}
