import Crypto
import Foundation
import ProtoSchema
import SwiftProtobuf

/// The schema a recording's messages were decoded with, carried in its header so the recording decodes and
/// replays without `.proto` files: a binary `FileDescriptorSet` (imports included) and its fingerprint.
public struct EmbeddedSchema: Sendable, Hashable {
    /// The serialized `google.protobuf.FileDescriptorSet`.
    public var descriptorSet: [UInt8]
    /// `sha256:` and the lower-case hex SHA-256 of `descriptorSet`.
    public var fingerprint: String
    /// The files the user asked for (the set also holds their imports).
    public var files: [String]

    /// A schema from serialized descriptor-set bytes; the fingerprint is computed.
    public init(descriptorSet: [UInt8], files: [String]) {
        self.descriptorSet = descriptorSet
        self.fingerprint = Self.fingerprint(of: descriptorSet)
        self.files = files
    }

    /// The files of `pool` named in `files` (every file when nil), with their imports.
    public init(pool: DescriptorPool, files: [String]? = nil) throws {
        let set = pool.fileDescriptorSet(files: files, includeImports: true)
        let bytes: [UInt8] = try set.serializedBytes()
        self.init(descriptorSet: bytes, files: files ?? pool.files.map(\.name))
    }

    /// The fingerprint of descriptor-set bytes: `sha256:<hex>`.
    public static func fingerprint(of bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        var text = "sha256:"
        text.reserveCapacity(7 + 64)
        let hex = Array("0123456789abcdef".utf8)
        var utf8: [UInt8] = []
        utf8.reserveCapacity(64)
        for byte in digest {
            utf8.append(hex[Int(byte >> 4)])
            utf8.append(hex[Int(byte & 0xF)])
        }
        text += String(decoding: utf8, as: UTF8.self)
        return text
    }

    /// Links the embedded files into a descriptor pool.
    public func makePool() throws -> DescriptorPool {
        try DescriptorPool(protoset: Data(descriptorSet), name: "the recording's embedded schema")
    }
}
