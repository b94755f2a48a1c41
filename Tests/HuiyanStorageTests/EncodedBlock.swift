@testable import HuiyanStorage

/// `values` encoded as one integer block, the way the segment writer encodes a column's block.
func encodedBlock(_ values: [Int64]) -> [UInt8] {
    var encoded: [UInt8] = []
    values.withUnsafeBufferPointer { IntegerBlockCodec.encode($0, into: &encoded) }
    return encoded
}
