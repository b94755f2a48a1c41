/// One block of a sqllogictest file (Fixtures/sqllogic/README.md describes the format).
struct SQLLogicRecord {
    enum Kind {
        /// `statement ok`: the SQL must run without an error.
        case statementOK
        /// `statement error <text>`: the SQL must fail with a message containing the text.
        case statementError(String)
        /// `query <types> [nosort|rowsort]`: the SQL must return the expected rows, with every optimizer rule on and off.
        case query(types: String, sort: SQLLogicSort, expected: [String])
        /// `load feeds`: the three sample feeds of Fixtures/feeds, loaded as QueryTestCase does.
        case loadFeeds
        /// `load generated <feed> <rows> <seed>`: a feed table of that many rows from `FeedGenerator` (year 2025,
        /// no bad rows), as `huiyan generate <feed> --rows <rows> --seed <seed>` writes it.
        case loadGenerated(feed: String, rows: Int, seed: UInt64)
        /// `zone <ZONE>`: later statements run in this zone (calendar, literals, output), as `huiyan query
        /// --time-zone ZONE`; the data and COPY keep the database's zone, Asia/Shanghai.
        case zone(String)
    }

    let kind: Kind
    /// The statement text, `${FIXTURES}` not yet replaced.
    let sql: String
    /// The line of the block's header, counted from 1.
    let line: Int
    /// The reason after `# known:` in the comments right above the block: a Huiyan bug the block still shows.
    let known: String?
}

/// How a query block's rows are compared.
enum SQLLogicSort: String {
    /// In the order the query returns them (ORDER BY queries).
    case nosort
    /// Sorted as lines of text (by UTF-8 bytes) on both sides before comparing.
    case rowsort
}
