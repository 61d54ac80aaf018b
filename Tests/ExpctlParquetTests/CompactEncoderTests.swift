@testable import ExpctlParquet
import Testing

private let zigzagCases: [(Int64, UInt64)] = [
    (0, 0), (-1, 1), (1, 2), (-2, 3), (63, 126), (-64, 127),
    (Int64(Int32.max), 4_294_967_294), (Int64(Int32.min), 4_294_967_295), (.max, .max - 1), (.min, .max),
]

private let varintCases: [(UInt64, [UInt8])] = [
    (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
    (16_383, [0xFF, 0x7F]), (16_384, [0x80, 0x80, 0x01]),
    (.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
]

@Suite("The Thrift compact protocol")
struct CompactEncoderTests {
    @Test(arguments: zigzagCases)
    func zigzagInterleavesSigns(_ value: Int64, _ expected: UInt64) {
        #expect(CompactEncoder.zigzag(value) == expected)
    }

    @Test(arguments: varintCases)
    func varintsAreLEB128(_ value: UInt64, _ expected: [UInt8]) {
        var encoder = CompactEncoder()
        encoder.varint(value)
        #expect(encoder.bytes == expected)
    }

    @Test func shortFieldHeadersHoldTheDeltaAndTheType() {
        var encoder = CompactEncoder()
        encoder.i32(1, 1)  // delta 1, i32, zigzag 2
        encoder.i64(3, -1)  // delta 2, i64, zigzag 1
        encoder.string(4, "v")  // delta 1, binary, length 1
        encoder.i16(19, 5)  // delta 15, the longest short form
        #expect(encoder.bytes == [0x15, 0x02, 0x26, 0x01, 0x18, 0x01, 0x76, 0xF4, 0x0A])
    }

    @Test func longFieldHeadersHoldTheTypeThenTheIdAsAZigzagVarint() {
        var encoder = CompactEncoder()
        encoder.i32(16, 0)  // delta 16: too far for a nibble
        encoder.i32(2, 0)  // going back: a negative delta
        encoder.i64(200, 1)  // id 200: zigzag 400 = 90 03
        #expect(encoder.bytes == [0x05, 0x20, 0x00, 0x05, 0x04, 0x00, 0x06, 0x90, 0x03, 0x02])
    }

    @Test func boolFieldsAreTheirHeaderAlone() {
        var encoder = CompactEncoder()
        encoder.bool(1, true)
        encoder.bool(2, false)
        encoder.bool(20, true)
        #expect(encoder.bytes == [0x11, 0x12, 0x01, 0x28])
    }

    @Test func aNestedStructCountsItsOwnIdsAndRestoresTheOuterOnes() {
        var encoder = CompactEncoder()
        encoder.i32(2, 0)
        encoder.structure(3) { inner in
            inner.i32(1, 0)  // delta 1 inside, whatever the outer id
            inner.structure(2) { _ in }  // an empty struct: its STOP only
        }
        encoder.i32(4, 0)  // delta 1 from the struct field 3
        encoder.stop()
        #expect(encoder.bytes == [0x25, 0x00, 0x1C, 0x15, 0x00, 0x1C, 0x00, 0x00, 0x15, 0x00, 0x00])
    }

    @Test func listHeadersHoldUpTo14ElementsInTheirByte() {
        var encoder = CompactEncoder()
        encoder.listHeader(of: .i32, count: 0)
        encoder.listHeader(of: .i32, count: 14)
        encoder.listHeader(of: .binary, count: 15)
        encoder.listHeader(of: .structure, count: 300)
        #expect(encoder.bytes == [0x05, 0xE5, 0xF8, 0x0F, 0xFC, 0xAC, 0x02])
    }

    @Test func listElementsHaveNoHeaders() {
        var encoder = CompactEncoder()
        encoder.list(2, of: .i32, count: 2)
        encoder.i32Element(0)
        encoder.i32Element(3)
        encoder.list(3, of: .binary, count: 1)
        encoder.binaryElement(Array("é".utf8))
        encoder.list(4, of: .structure, count: 1)
        encoder.structElement { $0.structure(1) { _ in } }
        #expect(encoder.bytes == [0x29, 0x25, 0x00, 0x06, 0x19, 0x18, 0x02, 0xC3, 0xA9, 0x19, 0x1C, 0x1C, 0x00, 0x00])
    }

    @Test func textLengthsAreCountedInBytes() {
        var encoder = CompactEncoder()
        encoder.string(1, "😀e\u{301}")
        #expect(encoder.bytes == [0x18, 0x07] + Array("😀e\u{301}".utf8))
    }
}
