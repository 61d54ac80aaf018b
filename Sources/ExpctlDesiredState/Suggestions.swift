/// "Did you mean …?" hints for misspelt keys and names.
public enum Suggestions {
    /// Words longer than this get no suggestion: edit distance is quadratic in the length,
    /// and a file may hold a hostile 100,000-character name.
    static let maxWordLength = 64

    /// The candidate closest to `word` by edit distance, when it is close enough to be a typo.
    public static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let typed = Array(word.lowercased().unicodeScalars)
        guard typed.count <= maxWordLength else { return nil }
        let tolerance = max(2, typed.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let scalars = Array(candidate.unicodeScalars)
            guard scalars.count <= maxWordLength, abs(scalars.count - typed.count) <= tolerance else { continue }
            let distance = editDistance(typed, scalars)
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        return best.distance <= tolerance ? best.candidate : nil
    }

    /// A hint naming the closest candidate, else listing them all.
    static func hint(for word: String, among candidates: [String], noun: String = "") -> String {
        if let match = closest(to: word, among: candidates) { return "did you mean `\(match)`?" }
        let listed = candidates.map { "`\($0)`" }.joined(separator: ", ")
        return noun.isEmpty ? "expected one of \(listed)" : "\(noun) are \(listed)"
    }

    /// Levenshtein distance, two rows.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
