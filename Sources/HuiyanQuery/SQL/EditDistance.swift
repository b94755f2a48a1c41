/// Edits (insert, delete, replace, swap of neighbours) between two words: Levenshtein distance with
/// transpositions (optimal string alignment), for the "did you mean" of the parser (keywords, as bytes) and of
/// the binder and CLI (names, as characters).
enum EditDistance {
    static func between<Element: Equatable>(_ a: [Element], _ b: [Element]) -> Int {
        if a.isEmpty || b.isEmpty { return Swift.max(a.count, b.count) }
        // Three rows of the table: the one being filled and the two before it (a swap looks two back).
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var row = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = Swift.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = Swift.min(row[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, row) = (previous, row, previous2)
        }
        return previous[b.count]
    }
}
