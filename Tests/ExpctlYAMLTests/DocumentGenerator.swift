/// Writes random YAML documents from the subset the reader supports, for comparison with PyYAML.
///
/// Everything generated means the same in YAML 1.1 (PyYAML) and 1.2 (this reader): no `yes`,
/// `no`, `on`, `off`, `y` or `n` words, no leading zeros, `0o`, signed hexadecimal, `_` in
/// numbers or exponents without a sign, no dates, no `<<` keys, no NEL or U+2028 line breaks,
/// no tabs but `\t` escapes, and every document ends with a line break (the two differ on a last
/// line of spaces without one). Keys are unique words or small integers, so no two resolve alike.
struct DocumentGenerator {
    private var random: SplitMix64
    /// Anchors whose nodes are complete, so that an alias to them is defined.
    private var anchors: [String] = []
    private var anchorCount = 0
    private var keyCount = 0

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    static let words = [
        "alpha", "beta", "gamma", "delta", "planner", "policy", "model", "train", "epoch", "score", "value", "item",
        "x", "k9", "a-b", "snake_case", "dot.ted", "path/to", "mail@host", "ratio:1", "hash#tag", "ключ", "naïve",
        "日本語", "😀", "émoji😀", "trueish", "nullable", "Yesterday", "onward", "nothing", "offset",
    ]
    static let resolvable = [
        "0", "42", "-17", "+5", "0x1F", "1.5", "-0.25", "3.0e+2", ".5", "1.", "1.0e-3", ".inf", "-.inf", ".nan",
        "true", "false", "True", "FALSE", "null", "Null", "~",
    ]

    /// One document, ending with a line break.
    mutating func document() -> String {
        anchors = []
        var out = ""
        if chance(0.1) { out += "# a leading comment\n" }
        if chance(0.05) { out += "%YAML 1.2\n" }
        let explicitStart = out.hasSuffix("1.2\n") || chance(0.15)
        if explicitStart { out += chance(0.3) ? "--- # start\n" : "---\n" }
        let rootIndent = chance(0.15) ? int(1...2) : 0
        switch int(0..<10) {
        case 0: out += flowCollection(minIndent: 0, depth: 1) + "\n"
        case 1: out += inlineScalar(minIndent: 0, inFlow: false) + "\n"
        case 2...3: blockSequence(into: &out, indent: rootIndent, depth: 1)
        default: blockMapping(into: &out, indent: rootIndent, depth: 1)
        }
        if chance(0.1) { out += "...\n" }
        if chance(0.1) { out += "# a trailing comment\n" }
        return out
    }

    // MARK: Block collections

    private mutating func blockMapping(into out: inout String, indent: Int, depth: Int, firstLinePrefix: String? = nil)
    {
        let count = int(1...(depth > 3 ? 2 : 5))
        for index in 0..<count {
            if index > 0 && chance(0.1) { out += String(repeating: " ", count: int(0...indent)) + "# between keys\n" }
            out += index == 0 && firstLinePrefix != nil ? firstLinePrefix! : String(repeating: " ", count: indent)
            if chance(0.08) { out += anchor() + " " }
            out += key() + (chance(0.05) ? " :" : ":")
            blockValue(into: &out, parentIndent: indent, depth: depth, afterKey: true)
        }
    }

    private mutating func blockSequence(into out: inout String, indent: Int, depth: Int, firstLinePrefix: String? = nil)
    {
        let count = int(1...(depth > 3 ? 2 : 4))
        for index in 0..<count {
            out += index == 0 && firstLinePrefix != nil ? firstLinePrefix! : String(repeating: " ", count: indent)
            out += "-"
            blockValue(into: &out, parentIndent: indent, depth: depth, afterKey: false)
        }
    }

    /// The rest of an entry after `key:` or `-`, through the line break of its last line.
    private mutating func blockValue(into out: inout String, parentIndent: Int, depth: Int, afterKey: Bool) {
        let nested = depth < 6
        switch int(0..<(nested ? 12 : 7)) {
        case 0 where !anchors.isEmpty:
            out += " *" + anchors.randomElement(using: &random)! + "\n"
        case 0, 1:
            out += "\n"  // an empty value
        case 2, 3, 4:
            let anchor = chance(0.1) ? anchor() : nil
            out += " " + (anchor.map { $0 + " " } ?? "") + inlineScalar(minIndent: parentIndent + 1, inFlow: false)
            out += chance(0.15) ? " # after a value\n" : "\n"
            complete(anchor)
        case 5:
            out += " " + flowCollection(minIndent: parentIndent + 1, depth: depth + 1) + "\n"
        case 6:
            blockScalar(into: &out, indent: parentIndent + int(1...3))
        case 7 where !afterKey:  // compact: `- key: value` and `- - item`
            let column = parentIndent + 1 + int(1...2)
            let prefix = String(repeating: " ", count: column - parentIndent - 1)
            if chance(0.5) {
                blockMapping(into: &out, indent: column, depth: depth + 1, firstLinePrefix: prefix)
            } else {
                blockSequence(into: &out, indent: column, depth: depth + 1, firstLinePrefix: prefix)
            }
        default:
            let anchor = chance(0.15) ? anchor() : nil
            out += (anchor.map { " " + $0 } ?? "") + (chance(0.1) ? " # before a collection\n" : "\n")
            let asSequence = chance(0.4)
            // A sequence under a key may sit at the key's own indentation.
            let indent = parentIndent + (asSequence && afterKey && chance(0.4) ? 0 : int(1...4))
            if asSequence {
                blockSequence(into: &out, indent: indent, depth: depth + 1)
            } else {
                blockMapping(into: &out, indent: indent, depth: depth + 1)
            }
            complete(anchor)
        }
    }

    /// `|` or `>` with a chomping indicator, and lines at `indent`, some more indented or empty.
    private mutating func blockScalar(into out: inout String, indent: Int) {
        out += " " + (chance(0.5) ? "|" : ">") + ["", "-", "+"].randomElement(using: &random)!
        out += chance(0.1) ? " # a header comment\n" : "\n"
        let margin = String(repeating: " ", count: indent)
        for index in 0..<int(1...5) {
            if index > 0 && chance(0.15) { out += "\n" }
            out += margin + (index > 0 && chance(0.15) ? "  " : "") + words(1...4) + "\n"
        }
        if chance(0.2) { out += "\n" }
    }

    // MARK: Scalars and flow collections

    /// A scalar on the rest of the line; lines after the first are indented `minIndent`.
    private mutating func inlineScalar(minIndent: Int, inFlow: Bool) -> String {
        let continuation = "\n" + String(repeating: " ", count: minIndent + int(0...2))
        switch int(0..<10) {
        case 0, 1:
            return Self.resolvable.randomElement(using: &random)!
        case 2, 3, 4:
            guard chance(0.25) else { return words(1...4) }
            return words(1...3) + (chance(0.3) ? "\n" : "") + continuation + words(1...3)
        case 5, 6:
            var text = words(0...3) + (chance(0.3) ? " it''s" : "") + (chance(0.2) ? " \"q\" # not a comment" : "")
            if chance(0.25) { text += continuation + words(1...2) }
            return "'" + text + "'"
        default:
            let escapes = ["\\n", "\\t", "\\\\", "\\\"", "\\u00e9", "\\x41", "\\U0001F600", "\\_", "\\e", "\\ "]
            var text = words(0...2)
            for _ in 0..<int(0...2) { text += escapes.randomElement(using: &random)! + words(0...1) }
            if chance(0.2) { text += (chance(0.5) ? "\\" : "") + continuation + words(1...2) }
            return "\"" + text + "\""
        }
    }

    private mutating func flowCollection(minIndent: Int, depth: Int) -> String {
        let isMapping = chance(0.5)
        var items: [String] = []
        for _ in 0..<int(0...(depth > 4 ? 1 : 4)) {
            let value = flowNode(minIndent: minIndent, depth: depth)
            items.append(isMapping ? key() + ": " + value : value)
        }
        let separator = chance(0.2) ? ",\n" + String(repeating: " ", count: minIndent + int(0...2)) : ", "
        let (open, close) = isMapping ? ("{", "}") : ("[", "]")
        return open + items.joined(separator: separator) + (chance(0.1) && !items.isEmpty ? ", " : "") + close
    }

    private mutating func flowNode(minIndent: Int, depth: Int) -> String {
        switch int(0..<10) {
        case 0 where !anchors.isEmpty: return "*" + anchors.randomElement(using: &random)!
        case 1 where depth < 6: return flowCollection(minIndent: minIndent, depth: depth + 1)
        case 2:
            let anchor = anchor()
            defer { complete(anchor) }
            return anchor + " " + words(1...2)
        default:
            let scalar = inlineScalar(minIndent: minIndent, inFlow: true)
            return scalar.contains("\n") ? words(1...2) : scalar  // keep multi-line scalars out of flow
        }
    }

    // MARK: Pieces

    private mutating func key() -> String {
        keyCount += 1
        switch int(0..<10) {
        case 0: return "\(keyCount)"
        case 1: return "\"key \(keyCount)\""
        case 2: return "'k\(keyCount)'"
        default: return Self.words.randomElement(using: &random)! + "_\(keyCount)"
        }
    }

    private mutating func words(_ count: ClosedRange<Int>) -> String {
        (0..<int(count)).map { _ in Self.words.randomElement(using: &random)! }.joined(separator: " ")
    }

    private mutating func anchor() -> String {
        anchorCount += 1
        return "&a\(anchorCount)"
    }

    /// Makes an anchor usable by aliases, once its node is complete.
    private mutating func complete(_ anchor: String?) {
        if let anchor { anchors.append(String(anchor.dropFirst())) }
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }
    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    private mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }
}
