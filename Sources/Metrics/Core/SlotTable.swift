/// A sink's accumulators by series index, in chunks reached through a fixed directory: a slot's address
/// never changes and reaching it touches no Swift array or class `var`, so recording pays no
/// exclusivity, uniqueness or bounds checks. Chunks are allocated on first use and never move.
@usableFromInline
final class SlotTable<Element> {
    /// Elements per chunk (a power of two).
    @usableFromInline static var chunkSize: Int { 64 }
    /// Chunks in the directory: room for 4096 × 64 = 262,144 series of each kind.
    @usableFromInline static var directorySize: Int { 4096 }

    @usableFromInline let directory: UnsafeMutablePointer<UnsafeMutablePointer<Element>?>
    private let empty: Element

    init(empty: Element) {
        self.empty = empty
        directory = .allocate(capacity: Self.directorySize)
        directory.initialize(repeating: nil, count: Self.directorySize)
    }

    deinit {
        for chunk in 0..<Self.directorySize {
            guard let base = directory[chunk] else { continue }
            base.deinitialize(count: Self.chunkSize)
            base.deallocate()
        }
        directory.deallocate()
    }

    /// The slot for series `index`.
    @inlinable @inline(__always)
    func slot(_ index: Int) -> UnsafeMutablePointer<Element> {
        let chunk = index &>> 6
        let offset = index & (Self.chunkSize - 1)
        if chunk < Self.directorySize, let base = directory[chunk] { return base + offset }
        return allocateChunk(for: index) + offset
    }

    @usableFromInline
    func allocateChunk(for index: Int) -> UnsafeMutablePointer<Element> {
        let chunk = index / Self.chunkSize
        precondition(
            chunk < Self.directorySize,
            "more than \(Self.chunkSize * Self.directorySize) series of one kind: resolve fewer tag combinations")
        let base = UnsafeMutablePointer<Element>.allocate(capacity: Self.chunkSize)
        base.initialize(repeating: empty, count: Self.chunkSize)
        directory[chunk] = base
        return base
    }

    /// Visits every allocated slot with its series index.
    func forEachSlot(_ body: (Int, UnsafeMutablePointer<Element>) -> Void) {
        for chunk in 0..<Self.directorySize {
            guard let base = directory[chunk] else { continue }
            for offset in 0..<Self.chunkSize { body(chunk * Self.chunkSize + offset, base + offset) }
        }
    }
}
