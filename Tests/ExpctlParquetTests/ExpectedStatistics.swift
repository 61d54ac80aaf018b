import ExpctlParquet

/// The statistics a chunk holding `values` of `column` must have, as pyarrow reports them
/// (`min_raw`, `max_raw` encoded by read_parquet.py), worked out here without the writer's code:
/// text ordered by `Array(utf8)`, doubles by `min()` and `max()` of the non-NaN values.
func expectedStatistics(_ column: ParquetColumn, _ values: [ParquetValue]) -> ReadBack.ChunkStatistics {
    let nullCount = values.filter { $0 == .null }.count
    let none = ReadBack.ChunkStatistics(nullCount: nullCount, hasMinMax: false, min: nil, max: nil)
    func range(_ min: String?, _ max: String?) -> ReadBack.ChunkStatistics {
        guard let min, let max else { return none }
        return ReadBack.ChunkStatistics(nullCount: nullCount, hasMinMax: true, min: min, max: max)
    }
    switch column.type {
    case .json: return none
    case .string:
        let texts = values.compactMap { value -> [UInt8]? in
            if case .string(let text) = value { Array(text.utf8) } else { nil }
        }
        let ordered = texts.sorted { $0.lexicographicallyPrecedes($1) }
        return range(ordered.first.map(hex), ordered.last.map(hex))
    case .int64, .timestamp:
        let integers = values.compactMap { value -> Int64? in
            switch value {
            case .int64(let integer), .timestamp(let integer): integer
            default: nil
            }
        }
        return range(integers.min().map { String($0) }, integers.max().map { String($0) })
    case .double:
        let doubles = values.compactMap { value -> Double? in
            if case .double(let double) = value, !double.isNaN { double } else { nil }
        }
        // Parquet's rule for zeros: a zero min is -0.0, a zero max +0.0.
        let min = doubles.min().map { $0 == 0 ? -0.0 : $0 }
        let max = doubles.max().map { $0 == 0 ? 0.0 : $0 }
        return range(min.map { String($0.bitPattern) }, max.map { String($0.bitPattern) })
    case .boolean:
        let booleans = values.compactMap { value -> Bool? in
            if case .boolean(let boolean) = value { boolean } else { nil }
        }
        guard !booleans.isEmpty else { return none }
        return range(booleans.contains(false) ? "false" : "true", booleans.contains(true) ? "true" : "false")
    }
}
