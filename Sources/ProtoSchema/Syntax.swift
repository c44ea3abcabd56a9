import SwiftProtobuf

/// The language level a file was written in.
public enum Syntax: Hashable, Sendable {
    case proto2
    case proto3
    case editions(Google_Protobuf_Edition)

    /// Reads `syntax` and `edition` the way protoc writes them into a FileDescriptorProto.
    init(file: Google_Protobuf_FileDescriptorProto) {
        switch file.syntax {
        case "proto3": self = .proto3
        case "editions": self = .editions(file.edition)
        default: self = .proto2
        }
    }

    /// The edition whose feature defaults apply (proto2 and proto3 are legacy editions).
    var edition: Google_Protobuf_Edition {
        switch self {
        case .proto2: .proto2
        case .proto3: .proto3
        case .editions(let edition): edition
        }
    }
}
