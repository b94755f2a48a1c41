extension AggregateRegistry {
    /// Variance, standard deviation, covariance, correlation and regression lines, in DOUBLE (`MomentsAccumulator`).
    static let statisticAggregates: [AggregateDefinition] = [
        moments(["stddev", "stddev_samp"], .deviationSample),
        moments(["stddev_pop"], .deviationPopulation),
        moments(["variance", "var_samp"], .varianceSample),
        moments(["var_pop"], .variancePopulation),
        moments(["covar_samp"], .covarianceSample),
        moments(["covar_pop"], .covariancePopulation),
        moments(["corr"], .correlation),
        moments(["regr_slope"], .regressionSlope),
        moments(["regr_intercept"], .regressionIntercept),
        moments(["regr_r2"], .regressionR2),
        moments(["regr_count"], .regressionCount),
    ]

    private static func moments(_ names: [String], _ statistic: MomentStatistic) -> AggregateDefinition {
        AggregateDefinition(names, bind: { b in
            let n = statistic.paired ? 2 : 1
            try b.arity(n)
            for i in 0..<n { _ = try b.numeric(i) }
            return AggregateBinding(arguments: try (0..<n).map { try b.double($0) }, type: statistic == .regressionCount ? .int64 : .float64)
        }, accumulator: { _ in MomentsAccumulator(statistic) })
    }
}
