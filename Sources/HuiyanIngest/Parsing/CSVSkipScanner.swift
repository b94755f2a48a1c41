import HuiyanBuffers
import HuiyanValues

/// Finds the end of a CSV record without storing it, one buffer at a time.
///
/// Used for records longer than the reader's limit: the reader feeds the record's bytes
/// chunk by chunk through `scan` (state carries across calls) and discards them. The
/// boundary rules are exactly those of `CSVTokenizer`, so skipping an overlong record
/// resynchronises at the same place tokenizing it would have.
struct CSVSkipScanner {
    private enum Phase { case fieldStart, unquoted, quoted, quoteInQuoted }
    private var phase = Phase.fieldStart
    private var lastWasCR = false
    /// 1-based number of the field being scanned.
    private(set) var field = 1
    /// 1-based number of the last field that opened a quote.
    private(set) var quotedField = 0
    /// Line breaks seen inside quoted fields so far.
    private(set) var innerLineBreaks = 0

    /// True when the bytes so far end inside an open quoted field.
    var isInsideQuotes: Bool { phase == .quoted }

    /// Scans `base[from..<end]`. Returns the offset of the record's terminator (CR or LF)
    /// if found, or nil when more input is needed. At the end of the input, a pending
    /// `quoteInQuoted` counts as a closing quote.
    mutating func scan(_ base: UncheckedBytes, from: Int, end: Int) -> Int? {
        let comma = ASCIIByte.comma, quote = ASCIIByte.quote, lf = ASCIIByte.lf, cr = ASCIIByte.cr
        var p = from
        while p < end {
            let c = base[unchecked: p]
            switch phase {
            case .fieldStart, .unquoted:
                if c == lf || c == cr { return p }
                if c == comma { phase = .fieldStart; field += 1 }
                else if c == quote && phase == .fieldStart { phase = .quoted; quotedField = field; lastWasCR = false }
                else { phase = .unquoted }
            case .quoted:
                if c == quote { phase = .quoteInQuoted }
                else if c == lf { if !lastWasCR { innerLineBreaks += 1 } }
                else if c == cr { innerLineBreaks += 1 }
                lastWasCR = c == cr
            case .quoteInQuoted:
                if c == quote { phase = .quoted; lastWasCR = false }
                else if c == lf || c == cr { return p }
                else if c == comma { phase = .fieldStart; field += 1 }
                else { phase = .unquoted }  // text after the closing quote
            }
            p += 1
        }
        return nil
    }
}
