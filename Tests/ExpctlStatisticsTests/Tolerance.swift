/// Whether `actual` is within `relative` of `expected` (both zero, or both the same infinity, count as equal).
func isClose(_ actual: Double, _ expected: Double, relative: Double) -> Bool {
    if actual == expected { return true }
    guard actual.isFinite, expected.isFinite else { return false }
    return abs(actual - expected) <= relative * abs(expected)
}

/// The relative distance of `actual` from `expected`, for failure messages.
func relativeError(_ actual: Double, _ expected: Double) -> Double {
    actual == expected ? 0 : abs(actual - expected) / abs(expected)
}
