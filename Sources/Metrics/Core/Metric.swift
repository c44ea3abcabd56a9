/// A metric definition: name, type and what its values contain. Cheap to copy; compare by `id`.
public struct Metric: Hashable, Sendable, CustomStringConvertible {
    /// The metric's name as k6 spells it (`grpc_req_duration`).
    public let name: String
    /// Counter, gauge, rate or trend.
    public let type: MetricType
    /// Plain numbers, time (ms) or data (bytes).
    public let contains: ValueKind
    /// The registry's index for this metric.
    public let id: Int32

    /// Creates a definition; registries hand these out, so callers rarely need this.
    public init(name: String, type: MetricType, contains: ValueKind = .default, id: Int32) {
        self.name = name
        self.type = type
        self.contains = contains
        self.id = id
    }

    public var description: String { "\(name) (\(type.rawValue), \(contains.rawValue))" }

    public static func == (lhs: Metric, rhs: Metric) -> Bool { lhs.id == rhs.id && lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// k6's rule for names: up to 128 ASCII letters, digits or underscores, not starting with a digit.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 128 else { return false }
        if bytes[0] >= UInt8(ascii: "0") && bytes[0] <= UInt8(ascii: "9") { return false }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
        }
    }
}
