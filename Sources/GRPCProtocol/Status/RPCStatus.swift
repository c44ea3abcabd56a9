/// A `google.rpc.Status`: the rich error model carried in `grpc-status-details-bin`.
///
/// Details stay as `google.protobuf.Any` pairs (type URL and serialized bytes); rendering them needs a
/// descriptor pool, which is the engine's business, not the protocol's.
public struct RPCStatus: Hashable, Sendable {
    /// One `google.protobuf.Any` in `details`.
    public struct Detail: Hashable, Sendable {
        /// The type URL, e.g. `type.googleapis.com/google.rpc.BadRequest`.
        public var typeURL: String
        /// The serialized message of that type.
        public var value: [UInt8]

        /// A detail from its type URL and serialized bytes.
        public init(typeURL: String, value: [UInt8]) {
            self.typeURL = typeURL
            self.value = value
        }

        /// The fully qualified message name: the type URL after its last `/`.
        public var typeName: Substring {
            guard let slash = typeURL.lastIndex(of: "/") else { return typeURL[...] }
            return typeURL[typeURL.index(after: slash)...]
        }
    }

    /// Field 1: the status code (should equal `grpc-status`).
    public var code: Int32
    /// Field 2: the developer-facing message.
    public var message: String
    /// Field 3: the details, in order.
    public var details: [Detail]

    /// A status value from its three fields.
    public init(code: Int32, message: String = "", details: [Detail] = []) {
        self.code = code
        self.message = message
        self.details = details
    }
}
