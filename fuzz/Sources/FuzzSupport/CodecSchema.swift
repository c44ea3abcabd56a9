import Foundation
import ProtoCodec
import ProtoSchema

/// The codec fixtures' schema (proto2, proto3, editions, well-known types), which the binary and JSON
/// decoder targets decode against: scalars of every kind, repeated, packed, maps, oneofs, groups,
/// extensions, required fields and recursion.
public enum CodecSchema {
    /// The message types an input picks from with its first byte. Append only: seeds name them by index.
    public static let typeNames = [
        "reprise.codec.p3.Scalars", "reprise.codec.p3.Repeated", "reprise.codec.p3.Optionals",
        "reprise.codec.p3.Oneofs", "reprise.codec.p3.Maps", "reprise.codec.p3.Tree", "reprise.codec.wkt.Known",
        "reprise.codec.wkt.KnownLists", "reprise.codec.p2.Defaults", "reprise.codec.p2.Groups",
        "reprise.codec.p2.Extendable", "reprise.codec.p2.WithRequiredChild", "reprise.codec.p2.Packing",
        "reprise.codec.ed.Features",
    ]

    /// The types, compiled once from fixtures/protos/codec in the source tree this binary was built from.
    public static let types: [MessageType] = {
        let directory =
            String(#filePath.prefix(upTo: #filePath.range(of: "/fuzz/Sources/")!.lowerBound))
            + "/fixtures/protos/codec"
        do {
            let files = try ProtoLoader(importPaths: [directory]).load([
                "scalars3.proto", "wkt.proto", "legacy2.proto", "editions.proto",
            ])
            let registry = try MessageRegistry(pool: DescriptorPool(files: files))
            return typeNames.map { registry.type(named: $0)! }
        } catch {
            fatalError("the codec fixtures in \(directory) do not compile: \(error)")
        }
    }()

    /// An input's first two bytes: the type (an index into ``typeNames``) and flags choosing options; nil
    /// when the input is shorter.
    public static func header(of input: inout FuzzInput) -> (type: MessageType, flags: UInt8)? {
        guard let selector = input.byte(), let flags = input.byte() else { return nil }
        return (types[Int(selector) % types.count], flags)
    }
}
