import HuiyanBuffers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes demo feeds — visits, tickets, orders — shaped by the catalogs and the calendar: a year's
/// rows with ascending timestamps, daily volume following holidays, seasons and weekends, times of
/// day inside opening hours, and names drawn by their weights.
///
/// The output is a pure function of the options and the catalog: the same seed gives the same
/// bytes. It is written through a large buffer filled by hand, with no allocation per row.
package struct FeedGenerator: Sendable {
    package let catalog: Catalog

    package init(catalog: Catalog) { self.catalog = catalog }

    /// A generator over the catalogs shipped with the module.
    package init() throws { catalog = try Catalog.bundled() }

    /// Writes `rows` rows of `feed` for `year` to `path` ("-" for standard output).
    @discardableResult
    package func generate(feed: Feed, rows: Int, year: Int, seed: UInt64, format: FeedFormat = .csv,
                         badRowShare: Double = 0, to path: String) throws -> GenerationSummary {
        try generate(GenerationOptions(feed: feed, rows: rows, year: year, seed: seed, format: format,
                                       badRowShare: badRowShare), to: path)
    }

    /// Writes the feed `options` describe to `path` ("-" for standard output).
    @discardableResult
    package func generate(_ options: GenerationOptions, to path: String) throws -> GenerationSummary {
        try options.validate()
        let fd: Int32
        if path == "-" {
            fd = 1
        } else {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw GenerationError.cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        }
        let summary: GenerationSummary
        do {
            summary = try generate(options) { bytes in try ByteSink.writeAll(fd: fd, path: path, bytes) }
        } catch {
            // No half-written file is left behind.
            if fd != 1 { close(fd); unlink(path) }
            throw error
        }
        if fd != 1 && close(fd) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw GenerationError.cannotWrite(path: path, reason: reason)
        }
        return summary
    }

    /// Generates the feed, handing the bytes to `body` in large pieces.
    @discardableResult
    package func generate(_ options: GenerationOptions,
                         into body: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> GenerationSummary {
        try options.validate()
        let start = ContinuousClock.now
        let sink = ByteSink(body)
        let run = GenerationRun(catalog: catalog, options: options)
        try run.write(to: sink)
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return GenerationSummary(feed: options.feed, format: options.format, rows: options.rows,
                                 badRows: options.badRowCount, bytes: sink.written, seconds: seconds)
    }

    /// The whole feed in memory (for tests and small samples).
    package func bytes(_ options: GenerationOptions) throws -> [UInt8] {
        var out: [UInt8] = []
        try generate(options) { out.append(contentsOf: $0) }
        return out
    }
}

/// Everything one generation needs, prepared once: the calendar, the daily counts, the catalog's
/// names encoded for the format, and the alias tables to draw from.
final class GenerationRun {
    let options: GenerationOptions
    let catalog: Catalog
    let calendar: YearCalendar
    let json: Bool
    let arena: TokenArena
    /// Per column: what comes before its value (`,` or `,"name":`; the first opens the object in NDJSON).
    let columnPrefix: [Token]
    let rowEnd: Token
    let null: Token
    /// `+08:00`, with the closing quote in NDJSON.
    let zoneSuffix: Token
    /// "YYYY-MM-DDT" of each day, 11 bytes each.
    let dayPrefixes: [UInt8]
    let bufferSize = 1 << 20

    init(catalog: Catalog, options: GenerationOptions) {
        self.catalog = catalog
        self.options = options
        calendar = YearCalendar(year: options.year)
        json = options.format == .ndjson
        arena = TokenArena(format: options.format)
        let columns = options.feed.columns
        columnPrefix = columns.enumerated().map { [arena, json] index, name in
            if json { return arena.raw((index == 0 ? "{" : ",") + "\"\(name)\":") }
            return arena.raw(index == 0 ? "" : ",")
        }
        rowEnd = arena.raw(json ? "}\n" : "\n")
        null = arena.raw(json ? "null" : "")
        zoneSuffix = arena.raw(json ? "+08:00\"" : "+08:00")
        var prefixes: [UInt8] = []
        prefixes.reserveCapacity(calendar.dayCount * 11)
        for day in 0..<calendar.dayCount {
            let (month, dayOfMonth) = calendar.date(ofDay: day)
            let text = "\(options.year)-\(month < 10 ? "0" : "")\(month)-\(dayOfMonth < 10 ? "0" : "")\(dayOfMonth)T"
            prefixes += Array(text.utf8)
        }
        dayPrefixes = prefixes
    }

    func write(to sink: ByteSink) throws {
        switch options.feed {
        case .visits: try VisitsWriter(run: self).write(to: sink)
        case .tickets: try TicketsWriter(run: self).write(to: sink)
        case .orders: try OrdersWriter(run: self).write(to: sink)
        }
    }

    /// Rows per day: the feed's seasonal weights, jittered by the seed by up to ±8 %.
    func dailyCounts(weights: [Double], rng: inout Xoshiro256StarStar) -> [Int] {
        let jittered = weights.map { $0 * (0.92 + 0.16 * rng.unit()) }
        return YearCalendar.apportion(options.rows, weights: jittered)
    }

    /// The CSV header row (nothing for NDJSON).
    func header() -> [UInt8] {
        json ? [] : Array((options.feed.columns.joined(separator: ",") + "\n").utf8)
    }

    /// An alias table over the hours of a day with weights peaking at `peak` (a Gaussian of width
    /// `spread` hours on a small floor), limited to `open..<close`.
    static func hourTable(open: Int, close: Int, peak: Double, spread: Double) -> AliasTable {
        AliasTable(weights: (open..<close).map { hour in
            let x = (Double(hour) + 0.5 - peak) / spread
            return 0.06 + exp(-0.5 * x * x)
        })
    }
}

// MARK: - Row writing

/// One value of a malformed row, written by the slow path (`RowWriter.write(pieces:)`).
enum Piece {
    case timestamp(day: Int, second: Int)
    case id(prefix: UInt8, number: UInt64, width: Int)
    case token(Token)
    case null
    case int(Int64)
    case money(Int64)
    /// Text: a JSON string in NDJSON; in CSV quoted when it needs to be.
    case text([UInt8])
    /// Bytes as they are, in both formats (a JSON number in NDJSON).
    case raw([UInt8])
    /// Left out: no field in CSV (only at the end), no key in NDJSON.
    case omitted
}

extension RowWriter {
    @inline(__always)
    mutating func token(_ token: Token, _ text: UncheckedBytes) {
        let start = Int(truncatingIfNeeded: token.start)
        bytes(text.slice(unchecked: start..<(start &+ Int(truncatingIfNeeded: token.count))))
    }

    @inline(__always)
    mutating func timestamp(day: Int, second: Int, run: GenerationRun, text: UncheckedBytes, days: UncheckedBytes) {
        if run.json { byte(UInt8(ascii: "\"")) }
        bytes(days.slice(unchecked: (day &* 11)..<(day &* 11 &+ 11)))
        timeOfDay(second)
        token(run.zoneSuffix, text)
    }

    @inline(__always)
    mutating func id(prefix: UInt8, number: UInt64, width: Int, json: Bool) {
        if json { byte(UInt8(ascii: "\"")) }
        byte(prefix)
        fixedWidth(number, width: width)
        if json { byte(UInt8(ascii: "\"")) }
    }

    /// Writes a (malformed) row piece by piece.
    mutating func write(pieces: [Piece], run: GenerationRun, text: UncheckedBytes, days: UncheckedBytes) {
        var first = true
        for (column, piece) in pieces.enumerated() {
            if case .omitted = piece { continue }
            if column < run.columnPrefix.count {
                if run.json && first && column > 0 {
                    // The first column is left out: open the object with this column's key.
                    byte(UInt8(ascii: "{"))
                    let prefix = run.columnPrefix[column]
                    bytes(text.slice(unchecked: (Int(prefix.start) + 1)..<(Int(prefix.start) + Int(prefix.count))))
                } else {
                    token(run.columnPrefix[column], text)
                }
            } else {
                byte(UInt8(ascii: ","))   // an extra field (CSV)
            }
            first = false
            switch piece {
            case .timestamp(let day, let second): timestamp(day: day, second: second, run: run, text: text, days: days)
            case .id(let prefix, let number, let width): id(prefix: prefix, number: number, width: width, json: run.json)
            case .token(let t): token(t, text)
            case .null: token(run.null, text)
            case .int(let value): signed(value)
            case .money(let fen): money(fen)
            case .raw(let value): for b in value { byte(b) }
            case .text(let value):
                let encoded: [UInt8]
                if run.json {
                    encoded = TokenArena.jsonString(value)
                } else if value.contains(UInt8(ascii: ",")) || value.contains(UInt8(ascii: "\"")) {
                    encoded = [UInt8(ascii: "\"")] + value.flatMap { $0 == UInt8(ascii: "\"") ? [$0, $0] : [$0] } + [UInt8(ascii: "\"")]
                } else {
                    encoded = value
                }
                for b in encoded { byte(b) }
            case .omitted: break
            }
        }
        if run.json && first { byte(UInt8(ascii: "{")) }
        token(run.rowEnd, text)
    }
}

/// Columns a corruption acts on, per feed.
struct CorruptionTargets {
    var id: Int
    var name: Int
    var money: Int
    var qty: Int?
}

extension GenerationRun {
    /// Replaces values of a good row's pieces so the row becomes malformed in the way `kind` says.
    /// `name` is the raw UTF-8 of the spot or product; `moneyFen` the amount the row would carry.
    func corrupt(_ pieces: inout [Piece], _ kind: Corruption, targets: CorruptionTargets, name: [UInt8],
                 moneyFen: Int64, qty: Int64, day: Int, second: Int, selector: inout BadRowSelector) {
        func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let yuan = moneyFen.magnitude / 100, fen = moneyFen.magnitude % 100
        switch kind {
        case .none:
            break
        case .badTimestamp:
            let (month, dayOfMonth) = calendar.date(ofDay: day)
            let y = options.year, h = second / 3600, m = second / 60 % 60, s = second % 60
            let variants = [
                "\(y)-13-\(two(dayOfMonth))T\(two(h)):\(two(m)):\(two(s))+08:00",
                "\(y)-\(two(month))-32T\(two(h)):\(two(m)):\(two(s))+08:00",
                "\(y)-\(two(month))-\(two(dayOfMonth))T25:\(two(m)):\(two(s))+08:00",
                "\(y)/\(two(month))/\(two(dayOfMonth)) \(two(h)):\(two(m))",
                "\(y)年\(month)月\(dayOfMonth)日 \(h)点\(m)分",
            ]
            pieces[0] = .text(ascii(variants[selector.variant(variants.count)]))
        case .emptyID:
            pieces[targets.id] = .text([])
        case .emptyName:
            pieces[targets.name] = .text([])
        case .moneyThreeDecimals:
            pieces[targets.money] = .raw(ascii("\(moneyFen < 0 ? "-" : "")\(yuan).\(two(Int(fen)))\(1 + selector.variant(9))"))
        case .moneyThousands:
            let whole = yuan + 1000
            pieces[targets.money] = .text(ascii("\(whole / 1000),\(String(whole % 1000 + 1000).dropFirst()).\(two(Int(fen)))"))
        case .moneyCurrency:
            pieces[targets.money] = .text(ascii("¥\(yuan).\(two(Int(fen)))"))
        case .moneyText:
            pieces[targets.money] = .text(ascii("约\(yuan)元"))
        case .qtyZero:
            if let q = targets.qty { pieces[q] = .raw(ascii("0")) }
        case .qtyNegative:
            if let q = targets.qty { pieces[q] = .raw(ascii("-\(qty)")) }
        case .qtyText:
            if let q = targets.qty { pieces[q] = .text(ascii("\(qty)件")) }
        case .tooFewFields:
            if json {
                pieces[targets.name] = .omitted
            } else {
                pieces[pieces.count - 1] = .omitted
                pieces[pieces.count - 2] = .omitted
            }
        case .tooManyFields:
            pieces.append(.text(ascii("备注")))
        case .invalidUTF8:
            var bytes = name
            let at = bytes.isEmpty ? 0 : 3 * selector.variant(max(1, bytes.count / 3))
            bytes.insert(0xFF, at: min(at, bytes.count))
            pieces[targets.name] = .text(bytes)
        }
    }
}
