/// A source of bytes a record reader reads through: the file itself, or a decoder (gzip, a character
/// encoding) over another stream. Each stage has its own small buffer, so a feed of any size streams.
protocol ByteStream: AnyObject {
    /// Reads up to `buffer.count` bytes (at least 8 are asked for) into `buffer`; returns how many, 0 only at the end
    /// of the input.
    /// `stop` is asked whenever the stream waits (a reason to stop ends reading with `.stopped`).
    func read(into buffer: UnsafeMutableBufferPointer<UInt8>, stop: () -> String?) throws(RecordReaderError) -> Int
}
