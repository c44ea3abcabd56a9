import Synchronization

extension MetricsSink {
    /// Moves everything recorded since the last flush into the registry and the outputs. Call it on the
    /// sink's own thread, periodically (about every second) and once when the run ends.
    public func flush() {
        var batch: [RecordedSample] = []
        registry.state.withLock { state in
            var carried = false
            counters.forEachSlot { index, slot in
                guard !slot.pointee.isEmpty else { return }
                state.counters.totals[index].merge(slot.pointee)
                slot.pointee = CounterAccumulator()
                carried = true
            }
            rates.forEachSlot { index, slot in
                guard !slot.pointee.isEmpty else { return }
                state.rates.totals[index].merge(slot.pointee)
                slot.pointee = RateAccumulator()
                carried = true
            }
            trends.forEachSlot { index, slot in
                // Read through the slot (no named copy), so reset() finds the histogram unshared.
                guard !slot.pointee.isEmpty else { return }
                state.trends.totals[index].merge(slot.pointee)
                slot.pointee.reset()
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
