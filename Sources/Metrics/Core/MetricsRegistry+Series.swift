import Synchronization

extension MetricsRegistry {
    /// The handle for `metric` (a counter) with `tags`, created on first use.
    public func counter(_ metric: Metric, _ tags: TagSet = .empty) -> CounterSeries {
        precondition(metric.type == .counter, "\(metric.name) is a \(metric.type.rawValue), not a counter")
        let key = SeriesInfo(metric: metric, tags: tags)
        return CounterSeries(index: state.withLock { $0.counters.resolve(key, empty: CounterAccumulator()) })
    }

    /// The handle for `metric` (a gauge) with `tags`, created on first use.
    public func gauge(_ metric: Metric, _ tags: TagSet = .empty) -> GaugeSeries {
        precondition(metric.type == .gauge, "\(metric.name) is a \(metric.type.rawValue), not a gauge")
        let key = SeriesInfo(metric: metric, tags: tags)
        return GaugeSeries(index: state.withLock { $0.gauges.resolve(key, empty: GaugeAccumulator()) })
    }

    /// The handle for `metric` (a rate) with `tags`, created on first use.
    public func rate(_ metric: Metric, _ tags: TagSet = .empty) -> RateSeries {
        precondition(metric.type == .rate, "\(metric.name) is a \(metric.type.rawValue), not a rate")
        let key = SeriesInfo(metric: metric, tags: tags)
        return RateSeries(index: state.withLock { $0.rates.resolve(key, empty: RateAccumulator()) })
    }

    /// The handle for `metric` (a trend) with `tags`, created on first use.
    public func trend(_ metric: Metric, _ tags: TagSet = .empty) -> TrendSeries {
        precondition(metric.type == .trend, "\(metric.name) is a \(metric.type.rawValue), not a trend")
        let key = SeriesInfo(metric: metric, tags: tags)
        return TrendSeries(index: state.withLock { $0.trends.resolve(key, empty: TrendAccumulator()) })
    }

    /// Sets a gauge (vus, vus_max); gauges are rare, so they go straight to the registry.
    public func set(_ series: GaugeSeries, to value: Double, at time: Int64? = nil) {
        state.withLock { $0.gauges.totals[Int(series.index)].record(value) }
        if !outputs.isEmpty {
            let sample = RecordedSample(kind: .gauge, index: series.index, value: value, time: time ?? WallClock.now())
            write([sample])
        }
    }

    /// What a series handle refers to.
    public func info<Kind>(_ series: Series<Kind>) -> SeriesInfo {
        state.withLock { state in
            let index = Int(series.index)
            switch Kind.self {
            case is CounterKind.Type: return state.counters.info[index]
            case is GaugeKind.Type: return state.gauges.info[index]
            case is RateKind.Type: return state.rates.info[index]
            default: return state.trends.info[index]
            }
        }
    }

    /// A consistent copy of every series and its totals, for readers (thresholds, summary, exporters).
    public func snapshot() -> MetricsSnapshot {
        state.withLock { state in
            MetricsSnapshot(
                metrics: state.metrics,
                counters: zip(state.counters.info, state.counters.totals).map { ($0, $1) },
                gauges: zip(state.gauges.info, state.gauges.totals).map { ($0, $1) },
                rates: zip(state.rates.info, state.rates.totals).map { ($0, $1) },
                trends: zip(state.trends.info, state.trends.totals).map { ($0, $1) })
        }
    }

    /// The series tables' current descriptions, for outputs resolving samples.
    func directory() -> SeriesDirectory {
        state.withLock { state in
            SeriesDirectory(
                counters: state.counters.info, gauges: state.gauges.info, rates: state.rates.info,
                trends: state.trends.info)
        }
    }

    func write(_ samples: [RecordedSample]) {
        guard !samples.isEmpty else { return }
        let directory = directory()
        for output in outputs { output.write(samples, directory: directory) }
    }
}
