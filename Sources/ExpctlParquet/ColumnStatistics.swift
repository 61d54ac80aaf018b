import Foundation

/// The min and max of a column chunk's values, kept as rows are committed, and written in the
/// chunk's `Statistics` as PLAIN values without a length prefix. Readers skip row groups with
/// them (`filters=`), so a wrong one silently drops rows.
///
/// Integers and timestamps compare as signed 64-bit numbers, booleans false < true, doubles
/// numerically with NaN left out, text by its unsigned bytes (never by String comparison, which
/// treats "e\u{301}" and "é" as equal).
struct ColumnStatistics {
    private var minInteger = Int64.max
    private var maxInteger = Int64.min
    private var minDouble = Double.infinity
    private var maxDouble = -Double.infinity
    private var minBytes: [UInt8] = []
    private var maxBytes: [UInt8] = []
    /// Whether any value other than a null or a NaN was seen.
    private(set) var hasMinMax = false

    mutating func update(integer value: Int64) {
        if value < minInteger { minInteger = value }
        if value > maxInteger { maxInteger = value }
        hasMinMax = true
    }

    mutating func update(double value: Double) {
        guard !value.isNaN else { return }
        if value < minDouble { minDouble = value }
        if value > maxDouble { maxDouble = value }
        hasMinMax = true
    }

    mutating func update(bytes value: UnsafeRawBufferPointer) {
        if !hasMinMax {
            minBytes.append(contentsOf: value)
            maxBytes.append(contentsOf: value)
            hasMinMax = true
            return
        }
        if Self.compare(value, minBytes) < 0 { Self.replace(&minBytes, with: value) }
        if Self.compare(value, maxBytes) > 0 { Self.replace(&maxBytes, with: value) }
    }

    /// The PLAIN min and max for a chunk of `type`, nil when there are none.
    func encoded(for type: ParquetColumnType) -> (min: [UInt8], max: [UInt8])? {
        guard hasMinMax, type.keepsMinMax else { return nil }
        switch type {
        case .int64, .timestamp: return (Self.littleEndian(minInteger), Self.littleEndian(maxInteger))
        case .boolean: return ([UInt8(minInteger)], [UInt8(maxInteger)])
        case .double:
            // The spec's rule for zeros: -0.0 and +0.0 compare equal, so a zero min is written as
            // -0.0 and a zero max as +0.0, which covers both.
            let min = minDouble == 0 ? -0.0 : minDouble
            let max = maxDouble == 0 ? 0.0 : maxDouble
            return (Self.littleEndian(min.bitPattern), Self.littleEndian(max.bitPattern))
        case .string, .json: return (minBytes, maxBytes)
        }
    }

    /// Empty for the next row group, keeping the buffers' capacity.
    mutating func reset() {
        minInteger = .max
        maxInteger = .min
        minDouble = .infinity
        maxDouble = -.infinity
        minBytes.removeAll(keepingCapacity: true)
        maxBytes.removeAll(keepingCapacity: true)
        hasMinMax = false
    }

    /// Lexicographic order of unsigned bytes; a proper prefix sorts first.
    static func compare(_ left: UnsafeRawBufferPointer, _ right: [UInt8]) -> Int {
        right.withUnsafeBytes { right in
            let common = min(left.count, right.count)
            if common > 0, let leftBase = left.baseAddress, let rightBase = right.baseAddress {
                let order = memcmp(leftBase, rightBase, common)
                if order != 0 { return Int(order) }
            }
            return left.count - right.count
        }
    }

    private static func replace(_ bytes: inout [UInt8], with value: UnsafeRawBufferPointer) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: value)
    }

    private static func littleEndian(_ value: some FixedWidthInteger) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

extension ParquetColumnType {
    /// Whether min and max are kept: JSON values are large and their byte order means little.
    var keepsMinMax: Bool { self != .json }
}
