extension MetricsRegistry {
    /// The `checks` series for the check called `name` in `group`, tagged `check=<name>` and `group=<path>`
    /// plus `tags`. Check names may not contain `::` (k6's rule).
    public func check(_ name: String, group: GroupPath = .root, tags: TagSet = .empty) throws -> RateSeries {
        guard !name.contains("::") else {
            throw MetricsError(
                .invalidName, "check name '\(name)' contains '::', which k6 reserves for group paths; rename it")
        }
        return rate(builtin.checks, tags.adding("check", name).adding("group", group.path))
    }

    /// The `group_duration` series for `group` plus `tags`.
    public func groupDuration(_ group: GroupPath, tags: TagSet = .empty) -> TrendSeries {
        trend(builtin.groupDuration, tags.adding("group", group.path))
    }
}
