/// The slice of a replay one process runs, so that `count` processes on as many machines together run
/// exactly the whole test: iterations `index`, `index + count`, `index + 2 × count`, … of every schedule,
/// and of `N` virtual users the `floor(N × (index+1) / count) − floor(N × index / count)` that fall to it.
///
/// Written `i/n` (`--segment 1/4`: the second of four), or in k6's `--execution-segment` syntax for the
/// same slice: `1/4:2/4`, `25%:50%` or `0.25:0.5`.
public struct ExecutionSegment: Sendable, Hashable, CustomStringConvertible {
    /// Which slice, from 0.
    public let index: Int
    /// How many slices the test is cut into.
    public let count: Int

    /// The whole test.
    public static let whole = ExecutionSegment(uncheckedIndex: 0, count: 1)

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Slice `index` of `count`; throws when `index` is not in `0..<count`.
    public init(index: Int, count: Int) throws(ReplayError) {
        guard count >= 1, (0..<count).contains(index) else {
            throw ReplayError(
                "there is no slice \(index) of \(count): slices count from 0, so it must be from 0 to \(max(count - 1, 0))"
            )
        }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Parses `i/n`.
    public init(parsing text: String) throws(ReplayError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1 else {
            throw ReplayError("expected i/n such as 0/4 (the first of four slices)")
        }
        try self.init(index: index, count: count)
    }

    /// Parses k6's `from:to` (fractions `1/4`, percentages `25%` or decimals `0.25`); the slice must be one
    /// of n equal parts, `i/n` to `(i+1)/n`.
    public init(k6 text: String) throws(ReplayError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let bounds = parts.count == 2 ? parts.compactMap { Self.fraction(String($0)) } : []
        guard bounds.count == 2, bounds[0].0 * bounds[1].1 < bounds[1].0 * bounds[0].1 else {
            throw ReplayError("expected FROM:TO such as 1/4:2/4, 25%:50% or 0.25:0.5")
        }
        // to − from = 1/n and from = i/n, in integers: (b·c − a·d) divides b·d.
        let (a, b) = bounds[0]
        let (c, d) = bounds[1]
        let width = c * b - a * d
        let denominator = b * d
        guard denominator % width == 0, (a * (denominator / width)) % b == 0 else {
            throw ReplayError("a slice must be one of n equal parts, i/n:(i+1)/n such as 1/4:2/4")
        }
        let count = denominator / width
        try self.init(index: a * count / b, count: count)
    }

    /// Whether global iteration `iteration` belongs to this slice.
    @inline(__always)
    public func contains(_ iteration: Int) -> Bool { iteration % count == index }

    /// The global number of this slice's `local`-th iteration.
    @inline(__always)
    public func iteration(_ local: Int) -> Int { local * count + index }

    /// How many of `total` iterations (numbered from 0) are this slice's.
    public func share(of total: Int) -> Int {
        total > index ? (total - index + count - 1) / count : 0
    }

    /// How many of `users` virtual users run here.
    public func users(of users: Int) -> Int {
        users * (index + 1) / count - users * index / count
    }

    public var description: String { "\(index)/\(count)" }

    /// `1/4`, `25%` or `0.25` as an exact fraction (numerator, denominator).
    private static func fraction(_ text: String) -> (Int, Int)? {
        if text.hasSuffix("%") {
            return decimal(String(text.dropLast())).map { ($0.0, $0.1 * 100) }
        }
        if let slash = text.firstIndex(of: "/") {
            guard let p = Int(text[..<slash]), let q = Int(text[text.index(after: slash)...]), q > 0, p >= 0, p <= q
            else { return nil }
            return (p, q)
        }
        guard let value = decimal(text), value.0 <= value.1 else { return nil }
        return value
    }

    private static func decimal(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            let whole = Int(parts[0].isEmpty ? "0" : parts[0]), whole >= 0
        else { return nil }
        guard parts.count == 2 else { return (whole, 1) }
        let digits = parts[1].prefix(9)
        guard let fraction = Int(digits.isEmpty ? "0" : digits) else { return nil }
        var scale = 1
        for _ in digits { scale *= 10 }
        return (whole * scale + fraction, scale)
    }
}
