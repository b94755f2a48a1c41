extension ChunkedFileInput {
    /// Consumes empty lines (a bare LF, CRLF or CR) at `start`, adding one to `line` for each.
    /// When `swallowLF` is set, a single LF at `start` completes a CR consumed earlier and is
    /// skipped without counting. Returns true when a record starts at `start`, false at the
    /// end of the file (everything consumed).
    func skipEmptyLines(countingInto line: inout Int, swallowLF: inout Bool) throws(RecordReaderError) -> Bool {
        while true {
            if start == end {
                if atEOF { return false }
                try refill(want: chunkSize)
                continue
            }
            let c = base[start]
            if swallowLF {
                swallowLF = false
                if c == ASCIIByte.lf { start += 1; continue }
            }
            if c == ASCIIByte.lf {
                start += 1
                line += 1
            } else if c == ASCIIByte.cr {
                if start + 1 < end {
                    start += base[start + 1] == ASCIIByte.lf ? 2 : 1
                    line += 1
                } else if atEOF {
                    start += 1
                    line += 1
                } else {
                    try refill(want: chunkSize)  // CR LF may be split across chunks
                }
            } else {
                return true
            }
        }
    }

    /// How much to read when a record of `pending` bytes is still incomplete: a chunk, or
    /// as much as is pending (so rescanning a long record stays linear overall), but never
    /// more than needed to show the record exceeds `limit`.
    @inline(__always)
    func readSize(forPending pending: Int, limit: Int) -> Int {
        max(chunkSize, min(pending, limit + 2 - pending))
    }

    /// Consumes the line terminator at `terminator` (a CR or LF, the end of a record that was
    /// skipped). Returns the value for the reader's `swallowLF`: true when the CR was the last
    /// byte of the data so far and an LF may follow in the next chunk.
    func consumeTerminator(at terminator: Int) -> Bool {
        if base[terminator] == ASCIIByte.lf || terminator + 1 == end && atEOF {
            start = terminator + 1
            return false
        }
        if terminator + 1 < end {
            start = base[terminator + 1] == ASCIIByte.lf ? terminator + 2 : terminator + 1
            return false
        }
        start = terminator + 1
        return true
    }
}
