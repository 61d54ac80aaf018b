@testable import ExpctlParquet
import Testing

private func textStatistics(_ texts: [String]) -> (min: [UInt8], max: [UInt8])? {
    var statistics = ColumnStatistics()
    for text in texts {
        Array(text.utf8).withUnsafeBytes { statistics.update(bytes: $0) }
    }
    return statistics.encoded(for: .string)
}

private func doubleStatistics(_ doubles: [Double]) -> (min: Double, max: Double)? {
    var statistics = ColumnStatistics()
    for double in doubles { statistics.update(double: double) }
    guard let (min, max) = statistics.encoded(for: .double) else { return nil }
    func decode(_ bytes: [UInt8]) -> Double {
        Double(bitPattern: bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    }
    return (decode(min), decode(max))
}

@Suite("Column statistics")
struct ColumnStatisticsTests {
    @Test func textIsOrderedByItsUnsignedBytesNotByStringComparison() throws {
        // "e\u{301}" == "é" for String, but its bytes 65 CC 81 sort before C3 A9.
        #expect("e\u{301}" == "é")
        let statistics = try #require(textStatistics(["é", "e\u{301}", "é"]))
        #expect(statistics.min == [0x65, 0xCC, 0x81])
        #expect(statistics.max == [0xC3, 0xA9])
    }

    @Test func aPrefixSortsFirstAndHighBytesLast() throws {
        let statistics = try #require(textStatistics(["ab", "a", "\u{10FFFF}", "\u{7F}", "abc"]))
        #expect(statistics.min == Array("a".utf8))
        #expect(statistics.max == [0xF4, 0x8F, 0xBF, 0xBF])
        let withEmpty = try #require(textStatistics(["b", "", "a\u{0}"]))
        #expect(withEmpty.min.isEmpty)
        #expect(withEmpty.max == Array("b".utf8))
    }

    @Test func doublesLeaveNaNOutAndWidenZeros() throws {
        let mixed = try #require(doubleStatistics([.nan, 3, -0.5, .nan]))
        #expect(mixed.min == -0.5 && mixed.max == 3)
        let zeros = try #require(doubleStatistics([0.0, 0.0]))
        #expect(zeros.min.bitPattern == (-0.0).bitPattern && zeros.max.bitPattern == (0.0).bitPattern)
        let negativeZeros = try #require(doubleStatistics([-0.0, 1]))
        #expect(negativeZeros.min.bitPattern == (-0.0).bitPattern)
        let infinite = try #require(doubleStatistics([.infinity, -.infinity]))
        #expect(infinite.min == -.infinity && infinite.max == .infinity)
        #expect(doubleStatistics([.nan, .nan]) == nil)
        #expect(doubleStatistics([]) == nil)
    }

    @Test func integersAreSignedLittleEndianAndBooleansOneByte() throws {
        var statistics = ColumnStatistics()
        for value: Int64 in [5, .min, -1, .max] { statistics.update(integer: value) }
        let integers = try #require(statistics.encoded(for: .int64))
        #expect(integers.min == [0, 0, 0, 0, 0, 0, 0, 0x80])
        #expect(integers.max == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        var booleans = ColumnStatistics()
        booleans.update(integer: 1)
        #expect(booleans.encoded(for: .boolean)?.min == [1])
        booleans.update(integer: 0)
        #expect(booleans.encoded(for: .boolean)?.min == [0])
        #expect(booleans.encoded(for: .boolean)?.max == [1])
    }

    @Test func jsonKeepsNoMinMaxAndResetForgetsEverything() {
        var statistics = ColumnStatistics()
        Array("{}".utf8).withUnsafeBytes { statistics.update(bytes: $0) }
        #expect(statistics.encoded(for: .json) == nil)
        #expect(statistics.encoded(for: .string) != nil)
        statistics.reset()
        #expect(statistics.encoded(for: .string) == nil)
        Array("z".utf8).withUnsafeBytes { statistics.update(bytes: $0) }
        #expect(statistics.encoded(for: .string)?.min == Array("z".utf8))
    }
}
