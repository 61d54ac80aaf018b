import ExpctlYAML
import Testing

/// Feeds the parser damaged and random input: it must return or throw, never crash, hang or read
/// out of bounds (the debug build checks every buffer access), and its error marks must point
/// into the file.
@Suite("Robustness against arbitrary input")
struct RobustnessTests {
    static let seeds: [[UInt8]] = [
        BlockCollectionTests.experiment,
        """
        %YAML 1.2
        ---
        # comment
        anchors:
          base: &base {x: 1, y: [a, "b\\tc", 'd''e'], z: }
          copy: *base
        list:
        - plain multi
          line
        - "double \\u00e9 \\x41
           folded \\
           escaped"
        - |+
          literal

        - >2-
           folded
            more
        - [1, 2.5, .inf, ~, true, 0x1F, !!str 3, &n null, *n]
        - - nested
          - key: value
            other: "ключ"  # 😀
        ...
        """,
        "a:\r\n  - x\r\n  - {b: [c, d],\r\n     e: f}\r\n",
    ].map { Array($0.utf8) }

    static let fragments: [[UInt8]] =
        [
            ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "\"", "'", "\\", "\t", "\n", "\r", "\r\n", "#", " #",
            "&a ", "*a", "*base", "!!str ", "!<x> ", "|", ">-", "|2", "|+9", "---", "...", "? ", "%", "@", "é",
            "😀", "\u{FEFF}", "  ", "    ", "\\u", "\\x4", "\\U0010FFFF", "''", "key: value\n", "\n- ",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x82], [0x00], [0x80], [0xED, 0xA0, 0x80]]

    @Test func mutatedDocumentsNeverCrash() {
        var random = SplitMix64(seed: 0x5EED)
        for round in 0..<5_000 {
            var bytes = Self.seeds[round % Self.seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                mutate(&bytes, using: &random)
            }
            check(bytes)
        }
    }

    @Test func randomFragmentSequencesNeverCrash() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<3_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...40, using: &random) {
                bytes += Self.fragments.randomElement(using: &random)!
                if Bool.random(using: &random) { bytes.append(UInt8.random(in: 0x61...0x7A, using: &random)) }
            }
            check(bytes)
        }
    }

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(seed: 99)
        for _ in 0..<2_000 {
            check((0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
    }

    @Test func truncationsOfEverySeedNeverCrash() {
        for seed in Self.seeds {
            for length in 0...seed.count { check(Array(seed[..<length])) }
        }
    }

    private func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        let index = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        let length = min(Int.random(in: 1...8, using: &random), bytes.count - index)
        switch Int.random(in: 0..<5, using: &random) {
        case 0 where !bytes.isEmpty:
            bytes[index] = UInt8.random(in: 0...255, using: &random)
        case 1:
            bytes.insert(contentsOf: Self.fragments.randomElement(using: &random)!, at: index)
        case 2 where length > 0:
            bytes.removeSubrange(index..<index + length)
        case 3 where length > 0:
            bytes.insert(contentsOf: bytes[index..<index + length], at: index)
        default:
            bytes.removeSubrange(index...)
        }
    }

    private func check(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        expectParsesOrPointsInside(bytes, sourceLocation: sourceLocation)
    }
}

/// A small deterministic random number generator, so that any failure reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
