/// The statistics computed from the first two moments of one value (variance, standard deviation) or of a pair
/// (covariance, correlation, regression line): `y` is the first argument, `x` the second, as SQL writes them.
enum MomentStatistic {
    case varianceSample, variancePopulation, deviationSample, deviationPopulation
    case covarianceSample, covariancePopulation, correlation
    case regressionSlope, regressionIntercept, regressionR2, regressionCount

    /// Whether the statistic reads a pair of values.
    var paired: Bool {
        switch self {
        case .varianceSample, .variancePopulation, .deviationSample, .deviationPopulation: return false
        default: return true
        }
    }
}

/// Variance, standard deviation, covariance, correlation and regression per group in a numerically stable
/// form: each group keeps its count, means and sums of squared deviations (and co-deviation), updated row by
/// row as Welford does and merged across threads by Chan's formulas — no sum of squares that cancels. The
/// state of every group lies in one flat array, `stride` doubles a group.
final class MomentsAccumulator: Accumulator {
    let statistic: MomentStatistic
    /// Per group: n, mean y, M2 y, and for pairs mean x, M2 x, co-moment C.
    private var state: [Double] = []
    private let stride: Int
    private(set) var groupCount = 0

    init(_ statistic: MomentStatistic) {
        self.statistic = statistic
        stride = statistic.paired ? 6 : 3
    }

    func reserve(groups count: Int) {
        guard count > groupCount else { return }
        state.append(contentsOf: repeatElement(0, count: (count - groupCount) * stride))
        groupCount = count
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        try update([input], groups: groups, batch)
    }

    func update(_ inputs: [Vector], groups: [Int32], _ batch: Batch) throws {
        let ys = inputs[0]
        let xs = statistic.paired ? inputs[1] : nil
        let stride = stride
        state.withUnsafeMutableBufferPointer { s in
            ys.doubles.withUnsafeBufferPointer { y in
                if let xs {
                    xs.doubles.withUnsafeBufferPointer { x in
                        batch.forEachSelected { i in
                            if ys.isNull(i) || xs.isNull(i) { return }
                            let b = Int(groups[i]) * stride
                            let n = s[b] + 1
                            s[b] = n
                            let dy = y[i] - s[b + 1], dx = x[i] - s[b + 3]
                            s[b + 1] += dy / n
                            s[b + 3] += dx / n
                            s[b + 2] += dy * (y[i] - s[b + 1])
                            s[b + 4] += dx * (x[i] - s[b + 3])
                            s[b + 5] += dx * (y[i] - s[b + 1])
                        }
                    }
                } else {
                    batch.forEachSelected { i in
                        if ys.isNull(i) { return }
                        let b = Int(groups[i]) * stride
                        let n = s[b] + 1
                        s[b] = n
                        let dy = y[i] - s[b + 1]
                        s[b + 1] += dy / n
                        s[b + 2] += dy * (y[i] - s[b + 1])
                    }
                }
            }
        }
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! MomentsAccumulator
        let stride = stride, paired = statistic.paired
        state.withUnsafeMutableBufferPointer { s in
            o.state.withUnsafeBufferPointer { from in
                for g in 0..<o.groupCount {
                    let f = g * stride, t = Int(mapping[g]) * stride
                    let nb = from[f]
                    guard nb > 0 else { continue }
                    let na = s[t], n = na + nb
                    let dy = from[f + 1] - s[t + 1]
                    let weight = na * nb / n
                    s[t] = n
                    s[t + 1] += dy * nb / n
                    s[t + 2] += from[f + 2] + dy * dy * weight
                    if paired {
                        let dx = from[f + 3] - s[t + 3]
                        s[t + 3] += dx * nb / n
                        s[t + 4] += from[f + 4] + dx * dx * weight
                        s[t + 5] += from[f + 5] + dx * dy * weight
                    }
                }
            }
        }
    }

    func result(groups: Int) -> Vector {
        reserve(groups: groups)
        let v = Vector(type: statistic == .regressionCount ? .int64 : .float64, count: groups)
        for g in 0..<groups {
            let b = g * stride
            let n = state[b]
            if statistic == .regressionCount { v.ints[g] = Int64(n); continue }
            let m2y = state[b + 2]
            let value: Double?
            switch statistic {
            case .varianceSample: value = n > 1 ? m2y / (n - 1) : nil
            case .variancePopulation: value = n > 0 ? m2y / n : nil
            case .deviationSample: value = n > 1 ? (m2y / (n - 1)).squareRoot() : nil
            case .deviationPopulation: value = n > 0 ? (m2y / n).squareRoot() : nil
            case .covarianceSample: value = n > 1 ? state[b + 5] / (n - 1) : nil
            case .covariancePopulation: value = n > 0 ? state[b + 5] / n : nil
            case .correlation: value = n > 0 ? state[b + 5] / (state[b + 4] * m2y).squareRoot() : nil
            case .regressionSlope: value = n > 0 ? state[b + 5] / state[b + 4] : nil
            case .regressionIntercept: value = n > 0 ? state[b + 1] - state[b + 5] / state[b + 4] * state[b + 3] : nil
            case .regressionR2:
                let m2x = state[b + 4], c = state[b + 5]
                value = n == 0 || m2x == 0 ? nil : m2y == 0 ? 1 : c * c / (m2x * m2y)
            case .regressionCount: value = nil
            }
            if let value { v.doubles[g] = value } else { v.setNull(g) }
        }
        return v
    }

    var approximateBytes: Int { state.capacity * 8 }
}
