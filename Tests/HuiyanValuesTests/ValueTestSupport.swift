enum ValueTestSupport {
    /// Runs `body` on the UTF-8 bytes of `text`.
    static func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }
}
