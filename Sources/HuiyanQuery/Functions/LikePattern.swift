/// A compiled LIKE / ILIKE pattern: `%` any run of characters, `_` one character, `\` escapes.
struct LikePattern: Hashable {
    let pattern: String
    let caseInsensitive: Bool
    /// The pattern one scalar at a time.
    private enum Token { case scalar(Unicode.Scalar), one, any }
    private let tokens: [Token]

    init(_ pattern: String, caseInsensitive: Bool) {
        self.pattern = pattern
        self.caseInsensitive = caseInsensitive
        var tokens: [Token] = []
        var escaped = false
        for scalar in (caseInsensitive ? pattern.lowercased() : pattern).unicodeScalars {
            if escaped { tokens.append(.scalar(scalar)); escaped = false; continue }
            switch scalar {
            case "\\": escaped = true
            case "%":
                if case .any? = tokens.last {} else { tokens.append(.any) }
            case "_": tokens.append(.one)
            default: tokens.append(.scalar(scalar))
            }
        }
        self.tokens = tokens
        // Only literal runs and `%` (case kept): the runs' UTF-8 bytes, for `matchesRuns`.
        if !caseInsensitive, !tokens.contains(where: { if case .one = $0 { return true } else { return false } }) {
            var runs: [[UInt8]] = [[]]
            for token in tokens {
                switch token {
                case .scalar(let c): runs[runs.count - 1].append(contentsOf: String(Character(c)).utf8)
                case .any: runs.append([])
                case .one: break
                }
            }
            self.runs = runs
        } else {
            runs = nil
        }
    }

    /// For a pattern of literal runs separated by `%` (no `_`, case kept): the runs in order (the first and
    /// last anchored at the ends, empty when the pattern starts or ends with `%`).
    private let runs: [[UInt8]]?

    /// Matches a pattern of literal runs on UTF-8 bytes, in one left-to-right pass: the first run must begin
    /// the text, the last end it, and each run between is found at its leftmost place after the one before
    /// (leftmost is always right when `%` is the only wildcard). Linear in the text for a fixed pattern.
    private static func matchesRuns(_ runs: [[UInt8]], _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = text.count
        if runs.count == 1 { return runs[0].elementsEqual(text) }
        let first = runs[0], last = runs[runs.count - 1]
        guard first.count + last.count <= n else { return false }
        for (k, b) in first.enumerated() where text[k] != b { return false }
        for (k, b) in last.enumerated() where text[n - last.count + k] != b { return false }
        var at = first.count
        let end = n - last.count
        for r in 1..<(runs.count - 1) {
            let run = runs[r]
            guard !run.isEmpty else { continue }
            guard let found = find(run, in: text, from: at, before: end) else { return false }
            at = found + run.count
        }
        return true
    }

    /// The first place at or after `from` where `run` lies wholly before `before`.
    private static func find(_ run: [UInt8], in text: UnsafeBufferPointer<UInt8>, from: Int, before: Int) -> Int? {
        let m = run.count, lead = run[0]
        var i = from
        while i + m <= before {
            if text[i] == lead {
                var k = 1
                while k < m && text[i + k] == run[k] { k += 1 }
                if k == m { return i }
            }
            i += 1
        }
        return nil
    }

    /// For a pattern `literal%` (case kept, no `_`, no other `%`): the literal's UTF-8 bytes. The strings that
    /// match it are those that begin with it, one run of codes in a sorted dictionary.
    var literalPrefix: [UInt8]? {
        guard let runs, runs.count == 2, runs[1].isEmpty else { return nil }
        return runs[0]
    }

    /// `matches` of a string's UTF-8 bytes: a pattern of literal runs is matched on them as they are.
    func matches(bytes: UnsafeRawBufferPointer) throws -> Bool {
        if let runs { return Self.matchesRuns(runs, bytes.assumingMemoryBound(to: UInt8.self)) }
        return try matches(String(decoding: bytes, as: UTF8.self))
    }

    /// Whether `text` matches, in time proportional to its length × the pattern's at worst: a `%` is
    /// retried at later positions only for the last `%` seen (as shell wildcards are matched), never
    /// recursively, so `%a%a%a%b` over a long value cannot take exponential time. Long work asks
    /// `CancellationPoll`, so the statement can be stopped inside one value.
    func matches(_ text: String) throws -> Bool {
        if let runs {
            var text = text
            return text.withUTF8 { Self.matchesRuns(runs, $0) }
        }
        let s = Array((caseInsensitive ? text.lowercased() : text).unicodeScalars)
        try CancellationPoll.spend(s.count)
        var i = 0, p = 0
        // The position after the last `%` seen, and where the text was when it was seen.
        var star = -1, starText = 0
        var steps = 0
        while i < s.count {
            steps += 1
            if steps & 0xFFF == 0 { try CancellationPoll.spend(0x1000) }
            if p < tokens.count {
                switch tokens[p] {
                case .any:
                    star = p + 1
                    starText = i
                    p += 1
                    continue
                case .one:
                    i += 1; p += 1
                    continue
                case .scalar(let c) where c == s[i]:
                    i += 1; p += 1
                    continue
                case .scalar:
                    break
                }
            }
            // A mismatch: let the last `%` take one more character, or fail if there was none.
            guard star >= 0 else { return false }
            starText += 1
            i = starText
            p = star
        }
        while p < tokens.count, case .any = tokens[p] { p += 1 }
        return p == tokens.count
    }
}

extension LikePattern {
    /// Two patterns are the same when their text and case rule are (the compiled parts follow from them).
    static func == (a: LikePattern, b: LikePattern) -> Bool { a.pattern == b.pattern && a.caseInsensitive == b.caseInsensitive }

    func hash(into hasher: inout Hasher) {
        hasher.combine(pattern)
        hasher.combine(caseInsensitive)
    }
}
