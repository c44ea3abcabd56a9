/// A group's path as k6 writes it in the `group` tag: `""` at the root, `::a`, `::a::b`.
public struct GroupPath: Hashable, Sendable, CustomStringConvertible {
    /// The tag value: `""` for the root, otherwise `::`-separated names with a leading `::`.
    public let path: String

    /// The root group.
    public static let root = GroupPath(unchecked: "")

    init(unchecked path: String) { self.path = path }

    /// Parses a path as found in a `group` tag (`::a::b`).
    public init(path: String) throws {
        if path.isEmpty {
            self = .root
            return
        }
        guard path.hasPrefix("::") else {
            throw MetricsError(
                .invalidName, "group path '\(path)' must be empty or start with '::' (like ::auth::login)")
        }
        self.path = path
    }

    /// The nested group called `name`; names may not contain `::` (k6's rule).
    public func child(_ name: String) throws -> GroupPath {
        guard !name.contains("::") else {
            throw MetricsError(
                .invalidName, "group name '\(name)' contains '::', which separates nested groups; rename it")
        }
        return GroupPath(unchecked: path + "::" + name)
    }

    /// The last name in the path (`b` for `::a::b`), `""` for the root.
    public var name: String {
        names.last ?? ""
    }

    /// The names from the outermost group inwards (empty for the root).
    public var names: [String] {
        path.split(separator: "::", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }

    /// The enclosing group, `nil` for the root.
    public var parent: GroupPath? {
        if isRoot { return nil }
        return GroupPath(unchecked: names.dropLast().map { "::" + $0 }.joined())
    }

    /// Whether this is the root group.
    public var isRoot: Bool { path.isEmpty }

    public var description: String { path }
}
