/// The result of parsing one field value: either the value or the reason it is invalid.
///
/// A plain enum (no existential, no allocation) so the value parsers can return it on the hot path. Its accessors
/// are inlinable: a caller in another module (ingest's row converter) gets them specialized, not generic code.
package enum ParsedValue<T> {
    case value(T)
    case invalid(ValueError)

    /// The parsed value, or nil when invalid.
    @inlinable package var value: T? {
        if case .value(let v) = self { return v }
        return nil
    }

    /// The error, or nil when the value parsed.
    @inlinable package var error: ValueError? {
        if case .invalid(let e) = self { return e }
        return nil
    }
}

extension ParsedValue: Equatable where T: Equatable {}
extension ParsedValue: Sendable where T: Sendable {}
