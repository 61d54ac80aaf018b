/// The softmax over candidate logits, with the largest logit subtracted first and every sum
/// taken in candidate order.
enum Softmax {
    /// exp(z - max) per candidate, and their sum.
    static func shiftedExponentials(_ logits: [Double]) -> (values: [Double], sum: Double, max: Double) {
        var largest = -Double.infinity
        for logit in logits where logit > largest { largest = logit }
        var values = logits
        var sum = 0.0
        for position in values.indices {
            values[position] = DeterministicMath.exp(values[position] - largest)
            sum += values[position]
        }
        return (values, sum, largest)
    }

    static func probabilities(_ logits: [Double]) -> [Double] {
        guard !logits.isEmpty else { return [] }
        let (values, sum, _) = shiftedExponentials(logits)
        return values.map { $0 / sum }
    }
}
