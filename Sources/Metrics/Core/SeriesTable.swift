/// One kind's series: what each index means, its run totals, and the lookup used to resolve handles.
struct SeriesTable<Accumulator: Sendable>: Sendable {
    var info: [SeriesInfo] = []
    var totals: [Accumulator] = []
    var lookup: [SeriesInfo: Int32] = [:]

    /// The index for `info`, created with `empty` totals on first use.
    mutating func resolve(_ key: SeriesInfo, empty: @autoclosure () -> Accumulator) -> Int32 {
        if let index = lookup[key] { return index }
        let index = Int32(info.count)
        info.append(key)
        totals.append(empty())
        lookup[key] = index
        return index
    }

    var count: Int { info.count }
}
