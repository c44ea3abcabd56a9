/// What every series index means, per kind; outputs use it to name and tag samples.
public struct SeriesDirectory: Sendable {
    /// Counter series by index.
    public var counters: [SeriesInfo]
    /// Gauge series by index.
    public var gauges: [SeriesInfo]
    /// Rate series by index.
    public var rates: [SeriesInfo]
    /// Trend series by index.
    public var trends: [SeriesInfo]

    /// The series a sample belongs to.
    public func info(for sample: RecordedSample) -> SeriesInfo {
        let index = Int(sample.index)
        switch sample.kind {
        case .counter: return counters[index]
        case .gauge: return gauges[index]
        case .rate: return rates[index]
        case .trend: return trends[index]
        }
    }
}
