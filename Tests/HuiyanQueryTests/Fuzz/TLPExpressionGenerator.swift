/// Random SQL expressions over the columns of `TLPTables` (i, j BIGINT; d DOUBLE; m DECIMAL; s VARCHAR;
/// b BOOLEAN; ts TIMESTAMP — all nullable), chosen by the fuzz input's bytes.
struct TLPExpressionGenerator {
    var bytes: ByteSource

    enum Kind: CaseIterable { case integer, double, money, string, timestamp }

    struct Scalar {
        var text: String
        var kind: Kind
    }

    /// A condition: comparisons, AND / OR / NOT, IS NULL, IN, BETWEEN, LIKE, CASE, boolean columns.
    mutating func condition(depth: Int) -> String {
        let choice = depth <= 0 ? bytes.next() % 4 : bytes.next() % 13
        switch choice {
        case 0, 1, 4:
            let a = scalar(depth: depth - 1)
            let b = scalar(of: comparable(to: a.kind), depth: depth - 1)
            return "\(a.text) \(bytes.pick(["=", "<>", "<", "<=", ">", ">="])) \(b)"
        case 2: return bytes.pick(["b", "NOT b", "b = true", "true", "false", "NULL", "b IS NULL", "s IS NOT NULL"])
        case 3:
            let a = scalar(depth: depth - 1)
            return "\(a.text) IS \(bytes.pick(["", "NOT "]))NULL"
        case 5: return "(\(condition(depth: depth - 1)) AND \(condition(depth: depth - 1)))"
        case 6: return "(\(condition(depth: depth - 1)) OR \(condition(depth: depth - 1)))"
        case 7: return "NOT (\(condition(depth: depth - 1)))"
        case 8:
            let a = scalar(depth: depth - 1)
            let list = (0...Int(bytes.next() % 4)).map { _ in constant(a.kind) }
            return "\(a.text) \(bytes.pick(["", "NOT "]))IN (\(list.joined(separator: ", ")))"
        case 9:
            let a = scalar(depth: depth - 1)
            return "\(a.text) \(bytes.pick(["", "NOT "]))BETWEEN \(constant(a.kind)) AND \(constant(a.kind))"
        case 10:
            let a = scalar(of: .string, depth: depth - 1)
            let pattern = bytes.pick(["%", "a%", "%1%", "_", "__", "%京%", "南%", "%\\%%", "v1%", "%a%b", "A%", ""])
            return "\(a) \(bytes.pick(["LIKE", "NOT LIKE", "ILIKE"])) '\(pattern)'"
        case 11:
            return "CASE WHEN \(condition(depth: depth - 1)) THEN \(condition(depth: depth - 1)) ELSE \(condition(depth: depth - 1)) END"
        default:
            return "(\(condition(depth: depth - 1))) = (\(condition(depth: depth - 1)))"
        }
    }

    /// A value expression of any kind.
    mutating func scalar(depth: Int) -> Scalar {
        let kind = bytes.pick(Kind.allCases)
        return Scalar(text: scalar(of: kind, depth: depth), kind: kind)
    }

    private mutating func comparable(to kind: Kind) -> Kind {
        switch kind {
        case .integer, .double, .money: return bytes.pick([Kind.integer, .double, .money, kind, kind])
        default: return kind
        }
    }

    mutating func scalar(of kind: Kind, depth: Int) -> String {
        let choice = depth <= 0 ? bytes.next() % 3 : bytes.next() % 8
        if choice == 2 { return constant(kind) }
        if choice < 2 { return column(kind) }
        switch kind {
        case .integer:
            switch choice {
            case 3: return "(\(scalar(of: .integer, depth: depth - 1)) \(bytes.pick(["+", "-", "*", "%"])) \(scalar(of: .integer, depth: depth - 1)))"
            case 4: return bytes.pick(["abs(i)", "length(s)", "hour(ts)", "EXTRACT(month FROM ts)", "-j", "CAST(d AS BIGINT)", "round(i, -1)"])
            case 5: return "coalesce(\(scalar(of: .integer, depth: depth - 1)), \(constant(.integer)))"
            case 6: return "nullif(\(column(.integer)), \(constant(.integer)))"
            default: return "CASE WHEN \(condition(depth: depth - 1)) THEN \(scalar(of: .integer, depth: depth - 1)) ELSE \(column(.integer)) END"
            }
        case .double:
            switch choice {
            case 3: return "(\(scalar(of: .integer, depth: depth - 1)) / \(scalar(of: .integer, depth: depth - 1)))"
            case 4: return bytes.pick(["round(d, 1)", "abs(d)", "-d", "d * 2", "CAST(i AS DOUBLE)"])
            default: return "(\(column(.double)) \(bytes.pick(["+", "-", "*"])) \(scalar(of: .double, depth: depth - 1)))"
            }
        case .money:
            switch choice {
            case 3: return "(\(column(.money)) \(bytes.pick(["+", "-"])) \(scalar(of: .money, depth: depth - 1)))"
            case 4: return bytes.pick(["abs(m)", "m * 2", "-m", "round(m)", "m % 1", "coalesce(m, 0.50)"])
            default: return "CASE WHEN \(condition(depth: depth - 1)) THEN \(column(.money)) END"
            }
        case .string:
            switch choice {
            case 3: return bytes.pick(["lower(s)", "upper(s)", "s || 'x'", "coalesce(s, 'z')", "nullif(s, 'a')", "strftime(ts, '%Y-%m')"])
            case 4: return "CASE WHEN \(condition(depth: depth - 1)) THEN s ELSE \(constant(.string)) END"
            default: return "CAST(\(column(.integer)) AS VARCHAR)"
            }
        case .timestamp:
            return bytes.pick(["date_trunc('day', ts)", "date_trunc('month', ts)", "date_trunc('hour', ts)", "ts"])
        }
    }

    private mutating func column(_ kind: Kind) -> String {
        switch kind {
        case .integer: return bytes.pick(["i", "j"])
        case .double: return "d"
        case .money: return "m"
        case .string: return "s"
        case .timestamp: return "ts"
        }
    }

    mutating func constant(_ kind: Kind) -> String {
        switch kind {
        case .integer: return bytes.pick(["0", "1", "-1", "2", "7", "100", "NULL", "-3", "9223372036854775807", "42"])
        case .double: return bytes.pick(["0.5e0", "-1.25e0", "1e3", "0e0", "NULL", "3.75e0"])
        case .money: return bytes.pick(["0.00", "1.50", "-2.25", "10.00", "NULL", "99.99"])
        case .string: return bytes.pick(["'a'", "'b'", "'南岳衡山'", "'A'", "''", "'v10'", "NULL", "'zz'", "'%'"])
        case .timestamp:
            return bytes.pick(["TIMESTAMP '2025-01-01 00:00:00'", "'2025-06-15 12:00:00'", "NULL", "TIMESTAMP '2025-12-31 23:59:59'"])
        }
    }
}
