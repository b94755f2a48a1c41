import Foundation

/// Which optimizer rules a statement may use. Every rule can be switched off by name, or all at once: the
/// rows must not change, only the time (the SQL tests run every query both ways).
public struct OptimizerSettings: Sendable, Equatable {
    /// Rules switched off by name (lower-case names of `OptimizerRule`).
    public var disabledRules: Set<String>
    /// Every rule off, those added later included.
    public var allRulesOff: Bool

    /// Settings that switch off the named rules, or all of them.
    public init(disabledRules: Set<String> = [], allRulesOff: Bool = false) {
        self.disabledRules = disabledRules
        self.allRulesOff = allRulesOff
    }

    /// Every rule on.
    public static let allOn = OptimizerSettings()
    /// Every rule off: the general operators alone.
    public static let allOff = OptimizerSettings(allRulesOff: true)

    /// The variable that switches rules off for every statement of a process: `all`, or names separated by commas.
    public static let environmentVariable = "HUIYAN_DISABLE_RULES"

    /// Reads a list of rules to switch off: `all`, or rule names separated by commas (blanks ignored).
    /// Throws naming an unknown rule, with the closest known name.
    public static func parse(_ text: String, source: String) throws -> OptimizerSettings {
        var settings = OptimizerSettings()
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            if name.isEmpty { continue }
            if name == "all" { settings.allRulesOff = true; continue }
            guard OptimizerRule.allNames.contains(name) else {
                var message = "unknown optimizer rule '\(name)' in \(source)"
                if let guess = QueryError.suggestion(for: name, among: OptimizerRule.allNames) { message += " — did you mean \(guess)?" }
                message += " (rules: \(OptimizerRule.allNames.joined(separator: ", ")), or all)"
                throw QueryError(message)
            }
            settings.disabledRules.insert(name)
        }
        return settings
    }

    /// The settings `HUIYAN_DISABLE_RULES` asks for (every rule on when it is unset or empty).
    public static func fromEnvironment() throws -> OptimizerSettings {
        guard let text = ProcessInfo.processInfo.environment[environmentVariable] else { return .allOn }
        return try parse(text, source: environmentVariable)
    }

    /// Both settings' rules off.
    package func merged(with other: OptimizerSettings) -> OptimizerSettings {
        OptimizerSettings(disabledRules: disabledRules.union(other.disabledRules), allRulesOff: allRulesOff || other.allRulesOff)
    }

    /// Whether a rule may run.
    package func allows(_ rule: OptimizerRule) -> Bool { !allRulesOff && !disabledRules.contains(rule.rawValue) }
}

/// The optimizer's named rules (docs/ARCHITECTURE.md says what each does).
package enum OptimizerRule: String, CaseIterable, Sendable {
    /// Constant subexpressions computed once at planning.
    case constantFolding = "constant_folding"
    /// Filters moved down through projections and joins, into the scans and their zone maps.
    case filterPushdown = "filter_pushdown"
    /// Only the columns a query reads are read; a comparison nothing else reads is answered by storage.
    case projectionPruning = "projection_pruning"
    /// ORDER BY with LIMIT kept as a bounded heap per thread that skips blocks by zone maps.
    case topN = "top_n"
    /// A LIMIT without ORDER BY stops the scan once enough rows are in hand.
    case limitPushdown = "limit_pushdown"
    /// SELECT DISTINCT run as a grouping without aggregates.
    case distinctToAggregate = "distinct_to_aggregate"
    /// Aggregates by a joined catalog's columns computed per join key before the join.
    case aggregationBelowJoin = "aggregation_below_join"
    /// Aggregates answered from segment footers and code summaries without reading the rows.
    case statisticsAggregates = "statistics_aggregates"
    /// Counts and sums by dictionary codes and time runs in dense buckets.
    case bucketAggregation = "bucket_aggregation"
    /// GROUP BY one string column of large dictionaries: per segment by code in dense arrays, then the
    /// dictionaries merged range by range of the key space (no hash table of millions of strings).
    case dictionaryMerge = "dictionary_merge"
    /// GROUP BY of very many groups (estimated from the key columns' dictionaries) in partitions by key hash
    /// held in memory, each aggregated alone: the spill path without the files.
    case partitionedAggregation = "partitioned_aggregation"
    /// The smaller side of an inner join is built, the larger scanned.
    case joinOrder = "join_order"

    package static var allNames: [String] { allCases.map(\.rawValue) }
}
