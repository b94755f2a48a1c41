import HuiyanBuffers
import HuiyanValues

/// The byte-level RFC 4180 tokenizer: splits one record out of a contiguous buffer.
///
/// It works on any in-memory bytes (the streaming `CSVRecordReader` uses it on its chunk
/// buffer; a parallel reader can use it on a row-aligned slice). It looks only at `"`, `,`,
/// LF and CR, and stores field boundaries in a `ByteSpanTable`; a quoted field is copied to
/// the table's scratch buffer only when it contains a doubled quote.
///
/// Line terminators are LF, CRLF and a lone CR. Blank lines are *not* handled here (the
/// caller skips them: a record starting at a terminator would be one empty field).
enum CSVTokenizer {
    /// Where a complete record ends and what is wrong with it.
    struct RecordBounds: Equatable {
        /// Offset of the end of the record's text (its terminator, or the end of input).
        var contentEnd: Int
        /// Offset where the next record starts (after the terminator).
        var next: Int
        /// Line breaks inside quoted fields (the record spans `innerLineBreaks + 1` lines).
        var innerLineBreaks: Int
        /// False when the record ended at the end of input rather than at a terminator.
        var terminated: Bool
        /// The first thing found wrong, or nil for a well-formed record.
        var problem: CSVRecordProblem?
    }

    enum Outcome: Equatable {
        /// The record is not complete in `from..<end` and the input is not final.
        case needMoreData
        case record(RecordBounds)
    }

    /// Tokenizes the record starting at `from` in `base[from..<end]` into `fields`
    /// (cleared first). Offsets stored in `fields` are relative to `base`.
    ///
    /// With `isFinal == false`, returns `.needMoreData` whenever the record (or the CR LF
    /// decision at its end) might continue past `end`; the caller then supplies more bytes
    /// and calls again from the same record start. With `isFinal == true` it always returns
    /// a record: an open quote at the end is `.unterminatedQuote`.
    ///
    /// Malformed quoting is recovered deterministically so record boundaries never depend
    /// on the error: a quote inside an unquoted field is literal; text after a closing quote
    /// is skipped up to the next delimiter.
    static func tokenizeRecord(
        _ base: UncheckedBytes, from: Int, end: Int, isFinal: Bool, into fields: ByteSpanTable
    ) -> Outcome {
        let comma = ASCIIByte.comma, quote = ASCIIByte.quote, lf = ASCIIByte.lf, cr = ASCIIByte.cr
        fields.removeAll()
        var p = from
        var breaks = 0
        var problem: CSVRecordProblem? = nil

        while true {  // one iteration per field; `p` is at the field's first byte
            if p == end {
                if !isFinal { return .needMoreData }
                fields.append(p, p, tag: 0)
                return .record(RecordBounds(contentEnd: p, next: p, innerLineBreaks: breaks,
                                            terminated: false, problem: problem))
            }
            var c = base[unchecked: p]
            if c != quote {
                // Unquoted field: scan to the next `,`, LF, CR (a `"` here is an error, kept literal).
                let fieldStart = p
                while true {
                    while p < end {
                        // All four special bytes are <= 0x2C; most text bytes are above it. Eight bytes at a
                        // time, skip to the first byte below 0x2D (UTF-8 lead and continuation bytes are not).
                        if p + 8 <= end {
                            let below = bytesBelowComma(base.loadUnaligned(uncheckedAt: p, as: UInt64.self))
                            if below == 0 { p += 8; continue }
                            p += below.trailingZeroBitCount >> 3
                        }
                        c = base[unchecked: p]
                        if c <= comma && (c == comma || c == lf || c == cr || c == quote) { break }
                        p += 1
                    }
                    if p < end && c == quote {
                        if problem == nil { problem = .quoteInUnquotedField(field: fields.count + 1) }
                        p += 1
                        continue
                    }
                    break
                }
                fields.append(fieldStart, p, tag: 0)
            } else {
                // Quoted field.
                let fieldNumber = fields.count + 1
                p += 1
                var segmentStart = p
                var scratchStart = -1  // >= 0 once the field is being unescaped into scratch
                while true {
                    while p < end {
                        c = base[unchecked: p]
                        if c == quote { break }
                        if c == lf {
                            breaks += 1
                        } else if c == cr && (p + 1 >= end || base[unchecked: p + 1] != lf) {
                            breaks += 1
                        }
                        p += 1
                    }
                    if p == end {
                        if !isFinal { return .needMoreData }
                        appendQuoted(fields, base, segmentStart, end, scratchStart)
                        return .record(RecordBounds(contentEnd: end, next: end, innerLineBreaks: breaks,
                                                    terminated: false,
                                                    problem: .unterminatedQuote(field: fieldNumber)))
                    }
                    // `p` is at a quote: doubled (escaped) or closing?
                    if p + 1 < end {
                        if base[unchecked: p + 1] == quote {
                            if scratchStart < 0 { scratchStart = fields.scratch.count }
                            fields.scratch.append(base.slice(unchecked: segmentStart..<(p + 1)))
                            p += 2
                            segmentStart = p
                            continue
                        }
                    } else if !isFinal {
                        return .needMoreData
                    }
                    appendQuoted(fields, base, segmentStart, p, scratchStart)
                    p += 1
                    break
                }
                if p < end {
                    c = base[unchecked: p]
                    if c != comma && c != lf && c != cr {
                        if problem == nil { problem = .textAfterClosingQuote(field: fieldNumber) }
                        while p < end {
                            c = base[unchecked: p]
                            if c == comma || c == lf || c == cr { break }
                            p += 1
                        }
                    }
                }
            }

            // `p` is at a delimiter, a terminator, or the end of the input.
            if p == end {
                if !isFinal { return .needMoreData }
                return .record(RecordBounds(contentEnd: p, next: p, innerLineBreaks: breaks,
                                            terminated: false, problem: problem))
            }
            c = base[unchecked: p]
            if c == comma {
                p += 1
                continue
            }
            let next: Int
            if c == lf {
                next = p + 1
            } else if p + 1 < end {
                next = base[unchecked: p + 1] == lf ? p + 2 : p + 1
            } else if isFinal {
                next = p + 1
            } else {
                return .needMoreData  // CR at the end of the data: CR LF may be split
            }
            return .record(RecordBounds(contentEnd: p, next: next, innerLineBreaks: breaks,
                                        terminated: true, problem: problem))
        }
    }

    /// Nonzero when a byte of `word` is below 0x2D (ASCII, so not part of a multibyte UTF-8 character); its
    /// lowest set bit is in the first such byte (higher bits may be set falsely, by the borrow).
    @inline(__always)
    static func bytesBelowComma(_ word: UInt64) -> UInt64 {
        (word &- 0x2D2D_2D2D_2D2D_2D2D) & ~word & 0x8080_8080_8080_8080
    }

    /// The high bit of each byte of `word` that is `,`, LF, CR or `"` (exact: no other bit is set).
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 {
            ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x | 0x7F7F_7F7F_7F7F_7F7F)
        }
        let ones: UInt64 = 0x0101_0101_0101_0101
        return zeroBytes(word ^ (ones &* 0x2C)) | zeroBytes(word ^ (ones &* 0x0A))
            | zeroBytes(word ^ (ones &* 0x0D)) | zeroBytes(word ^ (ones &* 0x22))
    }

    /// Records a quoted field's content: in place, or finishing its unescaped scratch copy.
    @inline(__always)
    private static func appendQuoted(
        _ fields: ByteSpanTable, _ base: UncheckedBytes, _ segmentStart: Int, _ contentEnd: Int,
        _ scratchStart: Int
    ) {
        if scratchStart < 0 {
            fields.append(segmentStart, contentEnd, tag: ByteSpanTable.quoted)
        } else {
            fields.scratch.append(base.slice(unchecked: segmentStart..<contentEnd))
            fields.append(scratchStart, fields.scratch.count, tag: ByteSpanTable.quoted | ByteSpanTable.inScratch)
        }
    }
}
