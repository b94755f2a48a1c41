extension Array {
    /// The first `count` elements as an array that shares this one's storage: the tail beyond them is dropped
    /// in place, so an accumulator hands its millions of states to the result without copying them (the
    /// result is its last use).
    mutating func handedOver(_ count: Int) -> [Element] {
        if self.count > count { removeLast(self.count - count) }
        return self
    }
}
