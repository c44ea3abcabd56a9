/// A message compression named in `grpc-encoding`: the two that gRPC implementations ship everywhere.
public struct CompressionAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// The name used in `grpc-encoding` and `grpc-accept-encoding`.
    public let name: String

    private init(name: String) { self.name = name }

    /// gzip (RFC 1952).
    public static let gzip = CompressionAlgorithm(name: "gzip")
    /// deflate in the zlib format (RFC 1950), as grpc-go and grpc-core send it.
    public static let deflate = CompressionAlgorithm(name: "deflate")

    /// The algorithm named `name` (case-insensitive), or `nil` for `identity` or one not supported here.
    public init?(named name: some StringProtocol) {
        switch name.lowercased() {
        case "gzip": self = .gzip
        case "deflate": self = .deflate
        default: return nil
        }
    }

    /// Both supported algorithms.
    public static let all: [CompressionAlgorithm] = [.gzip, .deflate]

    public var description: String { name }

    /// zlib's `windowBits` for this format: 15 plus 16 selects the gzip wrapper.
    var zlibWindowBits: Int32 { self == .gzip ? 31 : 15 }
}
