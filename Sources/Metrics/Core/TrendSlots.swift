/// A sink's trends by series index, like `SlotTable` but created one by one on first use: an HDR
/// histogram costs 16 kB, so only the series a sink records into get one. A flag per slot says whether
/// it is initialised; checking it copies nothing (an `Optional` slot would copy the trend to test it).
@usableFromInline
final class TrendSlots {
    @usableFromInline static var chunkSize: Int { SlotTable<Int>.chunkSize }
    @usableFromInline static var directorySize: Int { SlotTable<Int>.directorySize }

    @usableFromInline let chunks: UnsafeMutablePointer<UnsafeMutablePointer<TrendAccumulator>?>
    @usableFromInline let ready: UnsafeMutablePointer<UnsafeMutablePointer<Bool>?>

    init() {
        chunks = .allocate(capacity: Self.directorySize)
        chunks.initialize(repeating: nil, count: Self.directorySize)
        ready = .allocate(capacity: Self.directorySize)
        ready.initialize(repeating: nil, count: Self.directorySize)
    }

    deinit {
        forEachSlot { _, slot in slot.deinitialize(count: 1) }
        for chunk in 0..<Self.directorySize {
            chunks[chunk]?.deallocate()
            ready[chunk]?.deallocate()
        }
        chunks.deallocate()
        ready.deallocate()
    }

    /// The trend for series `index`, created empty on first use.
    @inlinable @inline(__always)
    func slot(_ index: Int) -> UnsafeMutablePointer<TrendAccumulator> {
        let chunk = index &>> 6
        let offset = index & (Self.chunkSize - 1)
        if chunk < Self.directorySize, let flags = ready[chunk], flags[offset] {
            return chunks[chunk].unsafelyUnwrapped + offset
        }
        return create(index)
    }

    @usableFromInline
    func create(_ index: Int) -> UnsafeMutablePointer<TrendAccumulator> {
        let chunk = index / Self.chunkSize
        let offset = index % Self.chunkSize
        precondition(
            chunk < Self.directorySize,
            "more than \(Self.chunkSize * Self.directorySize) trend series: resolve fewer tag combinations")
        if chunks[chunk] == nil {
            chunks[chunk] = .allocate(capacity: Self.chunkSize)
            let flags = UnsafeMutablePointer<Bool>.allocate(capacity: Self.chunkSize)
            flags.initialize(repeating: false, count: Self.chunkSize)
            ready[chunk] = flags
        }
        let slot = chunks[chunk]! + offset
        slot.initialize(to: TrendAccumulator())
        ready[chunk]![offset] = true
        return slot
    }

    /// Visits every created trend with its series index.
    func forEachSlot(_ body: (Int, UnsafeMutablePointer<TrendAccumulator>) -> Void) {
        for chunk in 0..<Self.directorySize {
            guard let base = chunks[chunk], let flags = ready[chunk] else { continue }
            for offset in 0..<Self.chunkSize where flags[offset] {
                body(chunk * Self.chunkSize + offset, base + offset)
            }
        }
    }
}
