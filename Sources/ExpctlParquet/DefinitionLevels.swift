/// The definition levels of an OPTIONAL column's page (1 present, 0 null) in the RLE/bit-packed
/// hybrid encoding with bit width 1, written as RLE runs only: `varint(count << 1)` and the
/// value in one byte. Runs are built as rows arrive, so a page's levels cost two bytes per run.
struct DefinitionLevels {
    /// The runs closed so far.
    private(set) var encoded: [UInt8] = []
    private var runValue: UInt8 = 0
    private var runLength = 0

    /// At most the bytes `finish()` adds to `encoded`: a ten-byte varint and the value.
    static let openRunBytes = 11

    mutating func append(present: Bool) {
        let value: UInt8 = present ? 1 : 0
        if runLength > 0, value != runValue { closeRun() }
        runValue = value
        runLength += 1
    }

    /// Closes the open run; `encoded` then holds every level appended.
    mutating func finish() {
        if runLength > 0 { closeRun() }
    }

    /// Empty for the next page, keeping the buffer's capacity.
    mutating func reset() {
        encoded.removeAll(keepingCapacity: true)
        runLength = 0
    }

    private mutating func closeRun() {
        var header = UInt64(runLength) << 1
        while header >= 0x80 {
            encoded.append(UInt8(truncatingIfNeeded: header) | 0x80)
            header >>= 7
        }
        encoded.append(UInt8(header))
        encoded.append(runValue)
        runLength = 0
    }
}
