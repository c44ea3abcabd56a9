/// Which calls a recording keeps, by method: globs over the HTTP/2 `:path` (`/pkg.Service/Method`).
///
/// A call is kept when it matches one of `include` (or `include` is empty) and none of `exclude`. In a
/// pattern `*` matches any run of characters (slashes and dots too) and `?` one character; the leading
/// slash is optional (`demo.v1.Demo/*` and `/demo.v1.Demo/*` are the same pattern).
public struct MethodFilter: Sendable, Hashable {
    /// Patterns a kept call matches one of (empty: every call), with their leading slash.
    public let include: [String]
    /// Patterns a kept call matches none of, with their leading slash.
    public let exclude: [String]

    /// Every call is kept.
    public static let all = MethodFilter(normalizedInclude: [], exclude: [])

    /// A filter from patterns as a person writes them; an empty pattern is an error.
    public init(include: [String], exclude: [String]) throws(MethodFilterError) {
        self.init(normalizedInclude: try include.map(Self.normalized), exclude: try exclude.map(Self.normalized))
    }

    private init(normalizedInclude: [String], exclude: [String]) {
        self.include = normalizedInclude
        self.exclude = exclude
    }

    /// Whether every call is kept.
    public var keepsEverything: Bool { include.isEmpty && exclude.isEmpty }

    /// Whether the call to `path` is kept.
    public func keeps(path: String) -> Bool {
        let bytes = Array(path.utf8)
        if !include.isEmpty, !include.contains(where: { Self.matches(Array($0.utf8)[...], bytes[...]) }) {
            return false
        }
        return !exclude.contains { Self.matches(Array($0.utf8)[...], bytes[...]) }
    }

    static func normalized(_ pattern: String) throws(MethodFilterError) -> String {
        guard !pattern.isEmpty else { throw MethodFilterError(pattern: pattern) }
        return pattern.hasPrefix("/") || pattern.hasPrefix("*") ? pattern : "/" + pattern
    }

    /// Glob matching with `*` and `?`, iterative (the last `*` is retried), linear in practice.
    static func matches(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        var star: (pattern: Int, text: Int)?
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                star = (p, t)
                p += 1
            } else if p < pattern.endIndex, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let retry = star {
                p = retry.pattern + 1
                t = retry.text + 1
                star = (retry.pattern, retry.text + 1)
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
