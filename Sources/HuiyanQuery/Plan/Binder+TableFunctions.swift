import HuiyanIngest
import HuiyanStorage

/// Table functions in FROM: `generate_series` / `range`, `read_csv`, `read_ndjson`, `read_parquet`, and a file
/// named by a string. Each becomes a table in scope whose rows a `TableSource` makes (`LogicalPlan.tableFunction`
/// under a `derived` node, so that it joins, filters and groups like a subquery's rows).
extension Binder {
    /// The table functions FROM knows, for messages.
    static let tableFunctionNames = ["generate_series", "range", "read_csv", "read_ndjson", "read_parquet"]

    /// A table function or file in FROM as a table in scope.
    mutating func tableFunctionEntry(_ call: TableFunctionCall, alias: Identifier?, columnAliases: [Identifier]) throws -> ScopeTable {
        let name = call.name.name.lowercased()
        let source: TableSource
        switch name {
        case "generate_series", "range":
            source = try seriesSource(call, name: name)
        case "read_csv", "read_csv_auto":
            source = try fileSource(call, as: .csv)
        case "read_ndjson", "read_ndjson_auto", "read_json", "read_json_auto":
            source = try fileSource(call, as: .ndjson)
        case "read_parquet", "parquet_scan":
            source = try fileSource(call, as: nil)
        case "":
            source = try fileSource(call, as: nil, byExtension: true)
        default:
            var message = "table function \"\(call.name.name)\" does not exist"
            if let guess = QueryError.suggestion(for: name, among: Self.tableFunctionNames) { message += " — did you mean \"\(guess)\"?" }
            else { message += " (table functions: \(Self.tableFunctionNames.joined(separator: ", ")))" }
            throw QueryError(message, at: call.name.range, kind: .notFound)
        }
        var names = source.columnNames
        // As DuckDB: the alias of a one-column series names its column too.
        if let alias, columnAliases.isEmpty, source is SeriesSource { names[0] = alias.name }
        guard columnAliases.count <= names.count else {
            throw QueryError("\(columnAliases.count) column names were given for a table of \(names.count) column(s)", at: alias?.range ?? call.range)
        }
        for (i, columnAlias) in columnAliases.enumerated() { names[i] = columnAlias.name }
        let query = BoundQuery(plan: .tableFunction(TableFunctionScan(source: source)), columnNames: names, columnTypes: source.columnTypes)
        return derivedEntry(alias?.name ?? defaultName(call), query)
    }

    /// The name a table function's table goes by without an alias: the function's, the file's without folder
    /// and extensions, or for a glob the last folder before its first pattern (`'visits/**/*.parquet'`: visits; else `files`).
    private func defaultName(_ call: TableFunctionCall) -> String {
        guard call.name.name.isEmpty, case .literal(.string(let path), _)? = call.arguments.first else { return call.name.name }
        if FileGlob.isPattern(path) {
            let folders = path.split(separator: "/").prefix { !FileGlob.isPattern(String($0)) }
            return folders.last.map(String.init) ?? "files"
        }
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.split(separator: ".").first.map(String.init) ?? file
    }

    /// A constant argument of a table function, bound and computed.
    private mutating func constantArgument(_ e: Expression, of function: String) throws -> (Value, SQLType) {
        clause = "FROM"
        aggregatesAllowed = false
        let bound = ConstantFolding(offsetSeconds: offsetSeconds).fold(try bind(e))
        guard case .constant(let value, let type) = bound else {
            throw QueryError("the arguments of \(function) must be constants", at: e.range)
        }
        return (value, type)
    }

    private mutating func seriesSource(_ call: TableFunctionCall, name: String) throws -> SeriesSource {
        let args = call.arguments
        guard (1...3).contains(args.count) else {
            throw QueryError("\(name) takes (stop), (start, stop) or (start, stop, step)", at: call.range)
        }
        var values = try args.map { try constantArgument($0, of: name) }
        if values.count == 1 { values.insert((.int(0), .int64), at: 0) }
        let ranges = args.count == 1 ? [args[0].range, args[0].range] : args.map(\.range)
        for (i, (value, _)) in values.enumerated() where value.isNull {
            throw QueryError("\(name): NULL is not a bound or step of a series", at: ranges[min(i, ranges.count - 1)])
        }
        let temporal = values.prefix(2).contains { $0.1 == .timestamp || $0.1 == .date }
            || (values.count == 3 && values[2].1 == .interval)
        let type: SQLType = temporal ? .timestamp : .int64
        var bounds: [Int64] = []
        for i in 0..<2 {
            let (value, from) = values[i]
            let converted: Value
            do {
                converted = try coerceConstant(value, from: from, to: type, at: ranges[i])
            } catch {
                throw QueryError("\(name) counts \(temporal ? "TIMESTAMP or DATE" : "BIGINT") values, not \(from)", at: ranges[i])
            }
            guard case .int(let x) = converted.normalizedForSeries else {
                throw QueryError("\(name) counts \(temporal ? "TIMESTAMP or DATE" : "BIGINT") values, not \(from)", at: ranges[i])
            }
            bounds.append(x)
        }
        var step: Int64 = temporal ? TimeMath.microsPerDay : 1, months: Int64 = 0
        if values.count == 3 {
            let (value, stepType) = values[2]
            let range = ranges[2]
            switch (temporal, value) {
            case (true, .interval(let x)):
                months = x.months
                guard let s = Interval(days: x.days, micros: x.micros).normalizedMicros else {
                    throw QueryError("\(name): the step \(x.text) is too long", at: range)
                }
                step = s
            case (false, .int(let n)): step = n
            default:
                throw QueryError(temporal ? "the step of a series of times is an INTERVAL, not \(stepType)"
                                          : "the step of a series of numbers is a BIGINT, not \(stepType)", at: range)
            }
            guard months != 0 || step != 0 else { throw QueryError("\(name): the step cannot be 0", at: range) }
            if months != 0 && step != 0 && (months > 0) != (step > 0) {
                throw QueryError("\(name): an INTERVAL step with months and days in opposite directions", at: range)
            }
        } else if temporal {
            throw QueryError("a series of times needs its step: \(name)(start, stop, INTERVAL 1 DAY)", at: call.range)
        }
        return SeriesSource(name: name, type: type, start: bounds[0], stop: bounds[1], step: step, stepMonths: months,
                            inclusive: name == "generate_series", offsetSeconds: offsetSeconds, explanation: text(call.range))
    }

    /// `read_csv(path[, option = value …])`, `read_ndjson(…)`, `read_parquet(path[, …])` or a file by its extension.
    /// The path may be a glob (`'visits/*.parquet'`, `'visits/**/*.parquet'`) or a list of paths and globs
    /// (`['a.parquet', 'b.parquet']`): the files are read one after another as one table (`MultiFileSource`).
    /// Options: `hive_partitioning = true | false` (the `key=value` folders as columns; by default when the
    /// first file's path has such folders, as DuckDB); of CSV and NDJSON, `encoding = 'gbk'` (or `'gb18030'`,
    /// `'utf-8'`) and `all_varchar = true` (every column VARCHAR, for a file whose values do not keep to one type).
    private mutating func fileSource(_ call: TableFunctionCall, as format: InputFormat?, byExtension: Bool = false) throws -> TableSource {
        let function = byExtension ? "a file in FROM" : call.name.name.lowercased()
        guard let first = call.arguments.first else {
            throw QueryError("\(function) takes the file's path, as in \(function)('visits.csv')", at: call.range)
        }
        let range = first.range
        let patterns = try filePatterns(first, of: function)
        guard fileAccess else {
            throw QueryError("file access is off (--no-file-access, or the database's setting): \(function) cannot read '\(patterns[0])'", at: range)
        }
        var format = format
        let path = patterns[0]
        let parquet = call.name.name.lowercased().contains("parquet") || (byExtension && path.lowercased().hasSuffix(".parquet"))
        if byExtension && !parquet {
            guard let byName = InputFormat(fileName: InputDecoding.uncompressedName(path)) else {
                throw QueryError("cannot tell how to read '\(path)' from its name (.csv, .ndjson, .jsonl, .json, each also .gz, or .parquet); use read_csv, read_ndjson or read_parquet", at: range)
            }
            format = byName
        }
        var options = FeedFileSource.Options()
        var hive: Bool?
        var unionByName = false
        let known = parquet ? "hive_partitioning = true, union_by_name = true"
                            : "encoding = 'gbk', all_varchar = true, hive_partitioning = true, union_by_name = true"
        for argument in call.arguments.dropFirst() {
            guard case .binary(.equal, .column(nil, let option), let given, _) = argument else {
                throw QueryError("options are written name = value: \(known)", at: argument.range)
            }
            let (value, _) = try constantArgument(given, of: function)
            switch (option.name.lowercased(), value) {
            case ("hive_partitioning", .bool(let on)):
                hive = on
            case ("union_by_name", .bool(let on)):
                unionByName = on
            case ("encoding", .string(let name)) where !parquet:
                guard let encoding = FeedEncoding(name: name) else {
                    throw QueryError("unknown encoding '\(name)' (utf-8, gbk, gb18030)", at: given.range)
                }
                options.encoding = encoding
            case ("all_varchar", .bool(let on)) where !parquet:
                options.allVarchar = on
            default:
                throw QueryError("\(function) has no option \"\(option.name)\" of that type (\(known))", at: argument.range)
            }
        }
        let zoneOffset = database.settings.utcOffsetSeconds
        let name = byExtension ? (parquet ? "read_parquet" : "read_\(format!.rawValue)") : call.name.name.lowercased()
        let open = { (path: String) throws -> TableSource in
            if parquet { return try ParquetFileSource(path: path, explanation: "read_parquet('\(path)')", zoneOffset: zoneOffset) }
            return try FeedFileSource(path: path, format: format!, function: name, zoneOffset: zoneOffset, options: options)
        }
        do {
            let files = try patterns.flatMap { try FileGlob.files($0) }
            let partitions = (hive ?? HivePartitions.detected(in: files[0])) ? try HivePartitions(files: files, zoneOffset: zoneOffset) : nil
            if files.count == 1 && (partitions?.names.isEmpty ?? true) {
                if parquet { return try ParquetFileSource(path: files[0], explanation: text(call.range), zoneOffset: zoneOffset) }
                return try open(files[0])
            }
            // By name, a column whose files give it types that do not meet is VARCHAR (as DuckDB).
            let binder = self
            let unify = { (a: SQLType, b: SQLType) -> SQLType in (try? binder.unify(a, b, at: range, what: function)) ?? .string }
            return try MultiFileSource(files: files, partitions: partitions, explanation: text(call.range), unify: unionByName ? unify : nil, open: open)
        } catch {
            var failure = QueryError(wrapping: error, at: range)
            // A file named outright that is not there is not found (its reader says so in its own words).
            if patterns.contains(where: { !FileGlob.isPattern($0) && !FileIO.exists($0) }) { failure.kind = .notFound }
            throw failure
        }
    }

    /// The paths or globs a table function's first argument names: a string, or a list of strings.
    private mutating func filePatterns(_ argument: Expression, of function: String) throws -> [String] {
        let items: [Expression]
        if case .function(let list) = argument, list.name.name == "list_value" {
            guard !list.arguments.isEmpty else { throw QueryError("the list of files of \(function) is empty", at: argument.range) }
            items = list.arguments
        } else {
            items = [argument]
        }
        return try items.map { item in
            let (value, _) = try constantArgument(item, of: function)
            guard case .string(let path) = value, !path.isEmpty else {
                throw QueryError("the path of \(function) is a string, as in 'visits.csv', or a list of them: ['a.csv', 'b.csv']", at: item.range)
            }
            return path
        }
    }
}

private extension Value {
    /// A timestamp's or integer's microseconds or value as `.int`, for a series' bounds.
    var normalizedForSeries: Value {
        switch self {
        case .timestamp(let x), .int(let x): return .int(x)
        default: return self
        }
    }
}
