@testable import ExpctlParquet
import Testing

/// CRC-32 a bit at a time, straight from the definition: the oracle for the sliced tables.
func referenceCRC32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc = CRC32()
    crc.update(bytes)
    return crc.checksum
}

@Suite("CRC-32 of page bodies")
struct CRC32Tests {
    @Test func theCheckValueOfTheStandard() {
        #expect(crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(referenceCRC32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(crc32([]) == 0)
    }

    @Test func everyLengthAndAlignmentAgreesWithTheBitwiseDefinition() {
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<300).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        for start in 0..<9 {
            for length in 0...(bytes.count - start) where length < 40 || length % 37 == 0 {
                let part = Array(bytes[start..<(start + length)])
                #expect(crc32(part) == referenceCRC32(part), "start \(start), length \(length)")
            }
        }
    }

    @Test func updatesInPiecesEqualOneUpdate() {
        var generator = SeededGenerator(seed: 11)
        let bytes = (0..<1_000).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        var crc = CRC32()
        var start = 0
        for length in [0, 1, 7, 8, 9, 100, 3, 500] {
            crc.update(Array(bytes[start..<(start + length)]))
            start += length
        }
        crc.update(Array(bytes[start...]))
        #expect(crc.checksum == referenceCRC32(bytes))
    }
}

/// SplitMix64: reproducible random bytes for tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
