/// The header names HTTP/2 and gRPC give a meaning to, as a byte: a decoder works a name out once (from
/// the HPACK table entry it came from, or by comparing a literal name once), and code that looks for a
/// header then compares this instead of strings. Any other name is `.other` (`.otherPseudo` when it starts
/// with `:`).
public enum KnownHeader: UInt8, Sendable {
    case other
    /// A pseudo-header other than the five below (`:protocol`, or one HTTP/2 does not define).
    case otherPseudo
    case method
    case scheme
    case path
    case authority
    case status
    case contentType
    case te
    case grpcTimeout
    case grpcEncoding
    case grpcAcceptEncoding
    case grpcStatus
    case grpcMessage
    case grpcStatusDetailsBin

    /// The name's kind (HTTP/2 names are lowercase; one with an uppercase letter is `.other`). Names are
    /// told apart by their length first, so most are compared with one string at most.
    public init(_ name: String) {
        let utf8 = name.utf8
        switch utf8.count {
        case 2 where name == "te": self = .te
        case 5 where name == ":path": self = .path
        case 7 where name == ":method": self = .method
        case 7 where name == ":scheme": self = .scheme
        case 7 where name == ":status": self = .status
        case 10 where name == ":authority": self = .authority
        case 11 where name == "grpc-status": self = .grpcStatus
        case 12 where name == "content-type": self = .contentType
        case 12 where name == "grpc-timeout": self = .grpcTimeout
        case 12 where name == "grpc-message": self = .grpcMessage
        case 13 where name == "grpc-encoding": self = .grpcEncoding
        case 20 where name == "grpc-accept-encoding": self = .grpcAcceptEncoding
        case 23 where name == "grpc-status-details-bin": self = .grpcStatusDetailsBin
        default: self = utf8.first == UInt8(ascii: ":") ? .otherPseudo : .other
        }
    }

    /// Whether the name is a pseudo-header (starts with `:`).
    public var isPseudo: Bool {
        switch self {
        case .otherPseudo, .method, .scheme, .path, .authority, .status: true
        default: false
        }
    }
}

/// One field of a header block as HTTP/2 carries it, with its name's ``KnownHeader`` worked out once.
public struct HeaderField: Sendable, Hashable {
    /// The name (lowercase in HTTP/2).
    public let name: String
    /// The value.
    public var value: String
    /// What the name is, among the names HTTP/2 and gRPC give a meaning to.
    public let known: KnownHeader

    /// A field, its name classified.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
        self.known = KnownHeader(name)
    }

    /// A field whose name's kind the caller already knows (a decoder reading it from a table entry);
    /// `known` must be `KnownHeader(name)`.
    package init(_ name: String, _ value: String, known: KnownHeader) {
        self.name = name
        self.value = value
        self.known = known
    }
}
