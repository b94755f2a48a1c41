import Dispatch
import HuiyanStorage

/// Encodes and writes full segments on a second thread while parsing goes on, one segment in flight at a
/// time (memory stays bounded at two segment builders).
final class BackgroundSegmentWriter {
    private let append: TableAppend
    private let queue = DispatchQueue(label: "huiyan.segment-writer")
    private let slots = DispatchSemaphore(value: 1)
    private var failure: Error?

    init(append: TableAppend) { self.append = append }

    /// Hands a full builder over; waits while the previous one is still being written. Rethrows a failure
    /// of an earlier write.
    func submit(_ builder: SegmentBuilder) throws {
        slots.wait()
        if let failure { slots.signal(); throw failure }
        queue.async { [self] in
            do { try append.write(builder) } catch { failure = error }
            slots.signal()
        }
    }

    /// Waits for the write in flight; rethrows its failure.
    func finish() throws {
        slots.wait()
        slots.signal()
        if let failure { throw failure }
    }
}
