import Synchronization

extension MetricsSink {
    /// Moves everything recorded since the last flush into the registry and the outputs. Call it on the
    /// sink's own thread, periodically (about every second) and once when the run ends.
    public func flush() {
        var batch: [RecordedSample] = []
        registry.state.withLock { state in
            var carried = false
            for index in counters.indices where !counters[index].isEmpty {
                state.counters.totals[index].merge(counters[index])
                counters[index] = CounterAccumulator()
                carried = true
            }
            for index in rates.indices where !rates[index].isEmpty {
                state.rates.totals[index].merge(rates[index])
                rates[index] = RateAccumulator()
                carried = true
            }
            for index in trends.indices where !trends[index].isEmpty {
                state.trends.totals[index].merge(trends[index])
                trends[index].reset()
                carried = true
            }
            if carried, state.firstDataAt == nil { state.firstDataAt = WallClock.now() }
            if recordsSamples, !samples.isEmpty {
                // Swap in a spare buffer so recording never waits for the output or allocates.
                var spare = state.spareBuffers.popLast() ?? []
                if spare.capacity < Self.sampleBufferCapacity { spare.reserveCapacity(Self.sampleBufferCapacity) }
                swap(&spare, &samples)
                batch = spare
            }
        }
        guard !batch.isEmpty else { return }
        registry.write(batch)
        batch.removeAll(keepingCapacity: true)
        let recycled = batch
        registry.state.withLock { $0.spareBuffers.append(recycled) }
    }
}
