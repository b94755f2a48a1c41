extension StringPool {
    /// Whether `other` is this pool or another pool over the same dictionary storage (the blocks of one
    /// segment each have a pool of their own over the segment's dictionary). A cache keyed by a pool holds
    /// it, so its storage cannot be freed and its address reused meanwhile.
    func sharesDictionary(with other: StringPool?) -> Bool {
        guard let other else { return false }
        if other === self { return true }
        return dictionary.starts.withUnsafeBufferPointer { mine in
            other.dictionary.starts.withUnsafeBufferPointer { theirs in mine.baseAddress == theirs.baseAddress && mine.count == theirs.count }
        }
    }
}
