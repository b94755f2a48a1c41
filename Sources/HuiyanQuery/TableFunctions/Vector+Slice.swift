extension Vector {
    /// Rows `range` of this vector as a vector of their own (sharing its pool).
    func slice(_ range: Range<Int>) -> Vector {
        if type == .float64 {
            let v = Vector(type: type, count: range.count)
            v.doubles = Array(doubles[range])
            v.nulls = nulls.map { Array($0[range]) }
            return v
        }
        let v = Vector(type: type, ints: Array(ints[range]), nulls: nulls.map { Array($0[range]) })
        v.pool = pool
        v.intervalParts = intervalParts.map { Array($0[range]) }
        return v
    }
}
