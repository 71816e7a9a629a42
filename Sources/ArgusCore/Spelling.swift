/// Edit distances between words, for the "did you mean" of an unknown name.
public enum Spelling {
    /// The Levenshtein distance between `a` and `b` (insertions, deletions and substitutions of characters).
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in a.indices {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for j in b.indices {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (a[i] == b[j] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The nearest of `candidates` to `word`, when it is close enough (at most max(2, a third of its
    /// length) edits) to be a likely misspelling.
    public static func nearest(_ word: String, in candidates: [String]) -> String? {
        let best = candidates.map { ($0, distance(word, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }
}
