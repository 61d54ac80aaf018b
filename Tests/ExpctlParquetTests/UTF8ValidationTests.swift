@testable import ExpctlParquet
import Testing

private func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
    bytes.withUnsafeBytes { UTF8Validation.firstInvalidOffset(in: $0) }
}

@Suite("UTF-8 checks of text bytes")
struct UTF8ValidationTests {
    @Test(arguments: [
        "", "plain ASCII longer than eight bytes", "\u{0}", "é", "e\u{301}", "😀", "\u{10FFFF}", "\u{FFFD}",
        "\u{D7FF}\u{E000}", String(repeating: "ab😀cdefgh", count: 20),
    ])
    func wellFormedTextPasses(_ text: String) {
        #expect(firstInvalidOffset(Array(text.utf8)) == nil)
    }

    @Test(arguments: [
        ([UInt8(0x80)], 0),  // a continuation byte alone
        ([0x61, 0xC0, 0x80], 1),  // an overlong NUL
        ([0xC1, 0xBF], 0),  // an overlong 0x7F
        ([0xE0, 0x80, 0x80], 0),  // an overlong three-byte form
        ([0xED, 0xA0, 0x80], 0),  // a surrogate, U+D800
        ([0xF0, 0x80, 0x80, 0x80], 0),  // an overlong four-byte form
        ([0xF4, 0x90, 0x80, 0x80], 0),  // above U+10FFFF
        ([0xF5, 0x80, 0x80, 0x80], 0),  // a lead byte that never starts UTF-8
        ([0xFF], 0),
        ([0x61, 0x62, 0xC3], 2),  // cut off at the end
        ([0xE2, 0x82], 0),
        ([0xE2, 0x28, 0xA1], 0),  // a bad second byte
        ([0xF0, 0x9F, 0x98, 0x28], 0),  // a bad last byte
        (Array("eight ok".utf8) + [0xC3, 0x28], 8),  // right after a word of ASCII
    ])
    func illFormedTextIsFoundWhereItStarts(_ bytes: [UInt8], _ offset: Int) {
        #expect(firstInvalidOffset(bytes) == offset)
    }

    @Test func randomBytesAreJudgedAsTheStandardLibraryJudgesThem() {
        var generator = SeededGenerator(seed: 3)
        // Mostly bytes that matter to UTF-8: ASCII, continuations, every kind of lead byte.
        let alphabet: [UInt8] = [
            0x41, 0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF,
            0xF0, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        var valid = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...12, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let offset = firstInvalidOffset(bytes)
            let standard = String(validating: bytes, as: UTF8.self)
            #expect((offset == nil) == (standard != nil), "\(bytes)")
            if let offset {
                #expect(String(validating: bytes[..<offset], as: UTF8.self) != nil, "\(bytes)")
            } else {
                valid += 1
            }
        }
        #expect(valid > 500)
    }
}
