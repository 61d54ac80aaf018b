import ExpctlRedaction
import Testing

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

@Suite("Byte helpers for redaction")
struct BytesTests {
    @Test func replaceAllReplacesEveryOccurrenceLeftToRight() {
        var subject = bytes("aaaa s3cret s3cret! as3cre")
        RedactionBytes.replaceAll(bytes("s3cret"), with: bytes("***"), in: &subject)
        #expect(text(subject) == "aaaa *** ***! as3cre")
        var overlapping = bytes("aaaaa")
        RedactionBytes.replaceAll(bytes("aa"), with: bytes("b"), in: &overlapping)
        #expect(text(overlapping) == "bba")
        var untouched = bytes("nothing here")
        RedactionBytes.replaceAll(bytes("secret"), with: bytes("***"), in: &untouched)
        #expect(text(untouched) == "nothing here")
    }

    @Test(arguments: [
        ("xxPaSSword=", "password=", 0, true, 2), ("xxPaSSword=", "password=", 0, false, nil),
        ("abcabc", "abc", 1, false, 3), ("abc", "abcd", 0, false, nil), ("abc", "c", 3, false, nil), ("", "a", 0, false, nil),
    ] as [(String, String, Int, Bool, Int?)])
    func firstIndexFindsFromAnOffset(haystack: String, needle: String, start: Int, ignoringCase: Bool, expected: Int?) {
        #expect(RedactionBytes.firstIndex(of: bytes(needle), in: bytes(haystack), from: start, ignoringCase: ignoringCase) == expected)
    }

    @Test func percentEncodingRoundTripsAndKeepsMalformedSequences() {
        let secret = "p@ss:w/rd %é"
        #expect(text(RedactionBytes.percentEncoded(bytes(secret))) == "p%40ss%3Aw%2Frd%20%25%C3%A9")
        #expect(text(RedactionBytes.percentDecoded(RedactionBytes.percentEncoded(bytes(secret)))) == secret)
        #expect(text(RedactionBytes.percentDecoded(bytes("100%zz and %4"))) == "100%zz and %4")
        #expect(text(RedactionBytes.percentDecoded(bytes("%41%62"))) == "Ab")
    }
}
