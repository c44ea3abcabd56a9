/// Everything the registry guards with its lock.
struct RegistryState: Sendable {
    var metrics: [Metric] = []
    var metricsByName: [String: Metric] = [:]
    var counters = SeriesTable<CounterAccumulator>()
    var gauges = SeriesTable<GaugeAccumulator>()
    var rates = SeriesTable<RateAccumulator>()
    var trends = SeriesTable<TrendAccumulator>()
    /// Sample buffers handed back by flushes, reused so steady-state recording does not allocate.
    var spareBuffers: [[RecordedSample]] = []
    /// Wall-clock time of the first flush that carried data, for rates in live views.
    var firstDataAt: Int64?
}
