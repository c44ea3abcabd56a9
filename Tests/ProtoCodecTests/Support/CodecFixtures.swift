import Foundation
import ProtoCodec
import ProtoSchema
import TestSupport
import Testing

/// The codec fixture protos (fixtures/protos/codec) compiled by protoc into one registry, built once
/// per test process.
enum CodecFixtures {
    static let protoRoot = Repository.fixture("protos")

    /// The `.proto` files under fixtures/protos/codec, relative to fixtures/protos.
    static var codecFiles: [String] {
        let dir = protoRoot.appendingPathComponent("codec")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(".proto") }.sorted().map { "codec/\($0)" }
    }

    /// The compiled fixtures, or why they could not be compiled (protoc missing, a full disk): each test
    /// that needs them fails with that, and the rest of the run goes on.
    private static let compiled: Result<(protoset: Data, registry: MessageRegistry), any Error> = Result {
        let protoset = try Protoc.descriptorSet(codecFiles, importPaths: [protoRoot])
        return (protoset, try MessageRegistry(pool: DescriptorPool(protoset: protoset)))
    }

    /// The fixtures as one protoset.
    static func protoset() throws -> Data { try compiled.get().protoset }

    /// The fixtures' registry.
    static func registry() throws -> MessageRegistry { try compiled.get().registry }

    /// The fixture type with this full name.
    static func type(_ name: String) throws -> MessageType {
        try #require(registry().type(named: name), "no fixture type \(name)")
    }

    /// A registry for one-off schema text.
    static func registry(_ sources: [String: String]) throws -> MessageRegistry {
        let dir = try TemporaryDirectory()
        for (name, text) in sources { try dir.write(name, text) }
        let data = try Protoc.descriptorSet(Array(sources.keys).sorted(), importPaths: [dir.url])
        return try MessageRegistry(pool: DescriptorPool(protoset: data))
    }
}

extension Array where Element == UInt8 {
    /// Bytes from a hex string (spaces allowed).
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            bytes.append(UInt8(digits[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }

    /// The bytes as lowercase hex.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

extension CodecFixtures {
    /// A message of the fixture type `name` read from proto3 JSON.
    static func message(_ name: String, _ json: String) throws -> DynamicMessage {
        try DynamicMessage(type: type(name), jsonString: json)
    }

    /// Nested length-delimited field 2 (`Tree.left`) `depth` times.
    static func nestedTrees(_ depth: Int) -> [UInt8] {
        var inner: [UInt8] = []
        for _ in 0..<depth {
            var length: [UInt8] = []
            var n = inner.count
            repeat {
                length.append(UInt8(n & 0x7F) | (n >= 0x80 ? 0x80 : 0))
                n >>= 7
            } while n > 0
            inner = [0x12] + length + inner
        }
        return inner
    }
}
