import HuiyanStorage

/// The three event feeds of FEEDS.md.
package enum Feed: String, CaseIterable, Sendable {
    case visits, tickets, orders

    /// The feed's table schema.
    package var schema: TableSchema {
        switch self {
        case .visits: return FeedCatalog.visits
        case .tickets: return FeedCatalog.tickets
        case .orders: return FeedCatalog.orders
        }
    }

    /// The columns, in FEEDS.md's order (the CSV header).
    package var columns: [String] { schema.columns.map(\.name) }
}

/// The text format of a generated feed.
package enum FeedFormat: String, CaseIterable, Sendable {
    /// CSV with a header row, LF line ends; NULL is an empty field.
    case csv
    /// One JSON object per line with the same field names; NULL is `null`.
    case ndjson

    /// The format a file name implies: `.ndjson` / `.jsonl` / `.json` → ndjson, anything else csv.
    package static func implied(byPath path: String) -> FeedFormat {
        let lower = path.lowercased()
        return lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".json") ? .ndjson : .csv
    }
}

/// What to generate.
package struct GenerationOptions: Sendable {
    package var feed: Feed
    package var rows: Int
    package var year: Int
    package var seed: UInt64
    package var format: FeedFormat
    /// The share of rows replaced by malformed ones: exactly round(rows × share) of them.
    package var badRowShare: Double

    package init(feed: Feed, rows: Int, year: Int = 2025, seed: UInt64 = 1, format: FeedFormat = .csv, badRowShare: Double = 0) {
        self.feed = feed
        self.rows = rows
        self.year = year
        self.seed = seed
        self.format = format
        self.badRowShare = badRowShare
    }

    /// round(rows × badRowShare), the number of malformed rows.
    package var badRowCount: Int {
        guard badRowShare > 0 else { return 0 }
        return min(rows, Int((Double(rows) * badRowShare).rounded()))
    }

    /// The most rows of one feed: every visit may be a new visitor, and visitor ids have nine digits.
    package static let maxRows = 1_000_000_000

    func validate() throws {
        guard rows >= 0 else { throw GenerationError.invalidOption("the number of rows must not be negative (got \(rows))") }
        guard rows <= Self.maxRows else {
            throw GenerationError.invalidOption("at most 1,000,000,000 rows of one feed (got \(rows))")
        }
        guard (1000...9999).contains(year) else { throw GenerationError.invalidOption("the year must have four digits (got \(year))") }
        guard badRowShare.isFinite, (0...1).contains(badRowShare) else {
            throw GenerationError.invalidOption("the share of bad rows must be between 0 and 1 (got \(badRowShare))")
        }
    }
}

/// What one generation did.
package struct GenerationSummary: Sendable {
    package var feed: Feed
    package var format: FeedFormat
    package var rows: Int
    /// How many of `rows` are malformed.
    package var badRows: Int
    package var bytes: Int
    package var seconds: Double
    package var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
}

package enum GenerationError: Error, CustomStringConvertible, Equatable {
    case invalidOption(String)
    case cannotWrite(path: String, reason: String)

    package var description: String {
        switch self {
        case .invalidOption(let message): return message
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}
