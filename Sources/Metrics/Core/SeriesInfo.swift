/// What a series is: its metric and its tags.
public struct SeriesInfo: Sendable, Hashable {
    /// The metric the series belongs to.
    public let metric: Metric
    /// The series' tags.
    public let tags: TagSet

    /// Creates a description.
    public init(metric: Metric, tags: TagSet) {
        self.metric = metric
        self.tags = tags
    }
}
