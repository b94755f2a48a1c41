/// approx_quantile(x, q): a `QuantileSketch` per group, fed the values as `Int64` keys (`OrderedBits` for
/// doubles) and merged across threads; the answer interpolates between the values the sketch puts at ranks
/// ⌊(n − 1)·q⌋ and the next, as quantile_cont does (exact while a group has fewer than 200 values), rounded to
/// the values' own type (integers, DECIMAL and TIMESTAMP to the nearest unit).
final class ApproxQuantileAccumulator: Accumulator {
    private let type: SQLType
    private let fraction: Double
    private var sketches: [QuantileSketch] = []
    /// Items held by every sketch, about (a sketch holds its values up to `heldLimit`, then about that many).
    private var held = 0
    private static let heldLimit = 3 * QuantileSketch.k

    init(type: SQLType, fraction: Double) {
        self.type = type
        self.fraction = fraction
    }

    func reserve(groups count: Int) {
        if sketches.count < count { sketches.append(contentsOf: repeatElement(QuantileSketch(), count: count - sketches.count)) }
    }

    func update(_ input: Vector?, groups: [Int32], _ batch: Batch) throws {
        guard let input else { return }
        if type == .float64 {
            batch.forEachSelected { i in
                if !input.isNull(i) { add(OrderedBits.key(input.doubles[i]), to: Int(groups[i])) }
            }
        } else {
            batch.forEachSelected { i in
                if !input.isNull(i) { add(input.ints[i], to: Int(groups[i])) }
            }
        }
    }

    @inline(__always) private func add(_ value: Int64, to g: Int) {
        if sketches[g].count < Self.heldLimit { held += 1 }
        sketches[g].add(value)
    }

    func merge(_ other: Accumulator, mapping: [Int32]) throws {
        let o = other as! ApproxQuantileAccumulator
        for (g, sketch) in o.sketches.enumerated() where sketch.count > 0 {
            let to = Int(mapping[g])
            held -= Swift.min(sketches[to].count, Self.heldLimit)
            sketches[to].merge(sketch)
            held += Swift.min(sketches[to].count, Self.heldLimit)
        }
    }

    func result(groups: Int) -> Vector {
        let v = Vector(type: type, count: groups)
        for g in 0..<groups {
            let n = g < sketches.count ? sketches[g].count : 0
            let position = Double(n - 1) * fraction
            let r = Int(position.rounded(.down))
            guard n > 0, let (lo, hi) = sketches[g].values(aroundRank: r) else { v.setNull(g); continue }
            let weight = position - Double(r)
            if type == .float64 {
                let a = OrderedBits.double(lo), b = OrderedBits.double(hi)
                v.doubles[g] = weight > 0 ? a + (b - a) * weight : a
            } else {
                v.ints[g] = lo &+ Int64((Double(hi &- lo) * weight).rounded())
            }
        }
        return v
    }

    var approximateBytes: Int { sketches.count * MemoryLayout<QuantileSketch>.stride + held * 8 }
}
