import HuiyanBuffers
import HuiyanValues

extension ChunkedFileInput {
    /// Consumes empty lines (a bare LF, CRLF or CR) at `start`, and lines that start with `comment` when one is
    /// given, adding one to `line` for each. Returns true when a record starts at `start`, false at the end of the
    /// file (everything consumed).
    func skipEmptyLines(countingInto line: inout Int, comment: UInt8? = nil) throws(RecordReaderError) -> Bool {
        var inComment = false
        while true {
            if start == end {
                if atEOF { return false }
                try refill(want: chunkSize)
                continue
            }
            let c = bytes[unchecked: start]
            if c == ASCIIByte.lf {
                start += 1
                line += 1
                inComment = false
            } else if c == ASCIIByte.cr {
                if start + 1 < end {
                    start += bytes[unchecked: start + 1] == ASCIIByte.lf ? 2 : 1
                    line += 1
                    inComment = false
                } else if atEOF {
                    start += 1
                    line += 1
                    inComment = false
                } else {
                    try refill(want: chunkSize)  // CR LF may be split across chunks
                }
            } else if inComment || c == comment {
                // A comment runs to its line's end, which may be in a later chunk: the terminator is consumed above.
                inComment = true
                while start < end, bytes[unchecked: start] != ASCIIByte.lf, bytes[unchecked: start] != ASCIIByte.cr { start += 1 }
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

    /// Consumes the line terminator (CR, LF or CR LF) at offset `terminator`, reading the
    /// next chunk when a CR is the last byte so far (the LF of a CR LF may follow).
    func consumeTerminator(at terminator: Int) throws(RecordReaderError) {
        var t = terminator
        if bytes[unchecked: t] == ASCIIByte.cr && t + 1 == end && !atEOF {
            start = t
            try refill(want: chunkSize)
            t = start
        }
        if bytes[unchecked: t] == ASCIIByte.cr && t + 1 < end && bytes[unchecked: t + 1] == ASCIIByte.lf {
            start = t + 2
        } else {
            start = t + 1
        }
    }
}
