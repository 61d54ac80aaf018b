/// Splitting a JSON Lines file into its lines. A line ends at `\n` (a `\r` before it is
/// dropped); lines holding only whitespace are skipped but still counted, so line numbers are
/// those an editor shows.
enum JSONLines {
    /// Calls `body` with each line of `bytes[range]` that is not blank and its number, counting
    /// from `firstLine` (the number of the line at `range.lowerBound`).
    static func forEachLine(
        in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>? = nil, firstLine: Int = 1,
        _ body: (_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws(DatasetDecodingError) -> Void
    ) throws(DatasetDecodingError) {
        let stop = range?.upperBound ?? bytes.count
        var start = range?.lowerBound ?? 0
        var number = firstLine - 1
        while start < stop {
            number += 1
            let end = lineEnd(in: bytes, from: start)
            var contentEnd = end
            if contentEnd > start, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<contentEnd])
            if line.contains(where: { !JSONByteReader.isWhitespace($0) }) { try body(line, number) }
            start = end + 1
        }
    }

    /// The position of the newline ending the line at `start` (or the end of the bytes).
    static func lineEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while end + 8 <= bytes.count, !SWAR.hasByte(0x0A, raw.loadUnaligned(fromByteOffset: end, as: UInt64.self)) {
                end += 8
            }
        }
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        return end
    }

    /// About `count` ranges of whole lines covering `bytes`, each with the number of its first
    /// line, for decoding in parallel.
    static func chunks(of bytes: UnsafeBufferPointer<UInt8>, count: Int) -> [(range: Range<Int>, firstLine: Int)] {
        var chunks: [(range: Range<Int>, firstLine: Int)] = []
        var start = 0
        var line = 1
        for chunk in 1...max(count, 1) where start < bytes.count {
            let target = chunk == max(count, 1) ? bytes.count : max(start, bytes.count * chunk / max(count, 1))
            let end = target >= bytes.count ? bytes.count : min(bytes.count, lineEnd(in: bytes, from: target) + 1)
            chunks.append((start..<end, line))
            var position = start
            while position < end {
                position = lineEnd(in: bytes, from: position) + 1
                if position <= end { line += 1 }
            }
            start = end
        }
        return chunks
    }
}
