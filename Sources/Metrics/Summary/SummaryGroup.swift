/// A group in the summary's `root_group` tree, with its checks (k6's handleSummary shape).
public struct SummaryGroup: Sendable, Equatable {
    /// One check's counts within its group.
    public struct Check: Sendable, Equatable {
        /// The check's name.
        public var name: String
        /// `<group path>::<name>`.
        public var path: String
        /// How many times it passed.
        public var passes: UInt64
        /// How many times it failed.
        public var fails: UInt64

        /// k6's id: the MD5 of the path, in hex.
        public var id: String { MD5.hex(path) }
    }

    /// The group's name (`""` for the root).
    public var name: String
    /// The group's path (`""`, `::a`, `::a::b`).
    public var path: String
    /// Nested groups, in order of first appearance.
    public var groups: [SummaryGroup]
    /// Checks in this group, in order of first appearance.
    public var checks: [Check]

    /// k6's id: the MD5 of the path, in hex.
    public var id: String { MD5.hex(path) }

    /// An empty group at `path`.
    public init(path: GroupPath) {
        name = path.name
        self.path = path.path
        groups = []
        checks = []
    }

    /// Adds `passes` and `fails` to the check `name` in the group at `group`, creating groups on the way.
    public mutating func add(check name: String, in group: GroupPath, passes: UInt64, fails: UInt64) {
        withGroup(group) { target in
            if let index = target.checks.firstIndex(where: { $0.name == name }) {
                target.checks[index].passes += passes
                target.checks[index].fails += fails
            } else {
                target.checks.append(Check(name: name, path: group.path + "::" + name, passes: passes, fails: fails))
            }
        }
    }

    /// Makes sure the group at `group` exists in the tree.
    public mutating func ensure(_ group: GroupPath) {
        withGroup(group) { _ in }
    }

    private mutating func withGroup(_ group: GroupPath, _ body: (inout SummaryGroup) -> Void) {
        let names = group.names
        let ownDepth = GroupPath(unchecked: path).names.count
        guard names.count > ownDepth else {
            body(&self)
            return
        }
        let childPath = GroupPath(unchecked: names[..<(ownDepth + 1)].map { "::" + $0 }.joined())
        if let index = groups.firstIndex(where: { $0.path == childPath.path }) {
            groups[index].withGroup(group, body)
        } else {
            var child = SummaryGroup(path: childPath)
            child.withGroup(group, body)
            groups.append(child)
        }
    }

    /// Adds another tree's checks and groups into this one (merging summaries).
    public mutating func merge(_ other: SummaryGroup) {
        for check in other.checks {
            if let index = checks.firstIndex(where: { $0.name == check.name }) {
                checks[index].passes += check.passes
                checks[index].fails += check.fails
            } else {
                checks.append(check)
            }
        }
        for group in other.groups {
            if let index = groups.firstIndex(where: { $0.path == group.path }) {
                groups[index].merge(group)
            } else {
                groups.append(group)
            }
        }
    }

    /// Every check in the tree, depth first (this group's checks before nested groups').
    public var allChecks: [Check] {
        checks + groups.flatMap(\.allChecks)
    }
}
