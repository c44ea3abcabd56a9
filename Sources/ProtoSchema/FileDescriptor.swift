import SwiftProtobuf

/// A `.proto` file in a ``DescriptorPool``, with its top-level definitions resolved.
///
/// Descriptors are immutable once their pool is built and are valid while the pool is alive; the pool
/// owns the graph, and references between descriptors do not keep it alive.
public final class FileDescriptor: @unchecked Sendable {
    /// The file as a descriptor message, exactly as loaded.
    public let proto: Google_Protobuf_FileDescriptorProto
    public var name: String { proto.name }
    public var package: String { proto.package }
    public let syntax: Syntax
    /// Files this one imports, in import order.
    public internal(set) var dependencies: [FileDescriptor] = []
    public internal(set) var messages: [MessageDescriptor] = []
    public internal(set) var enums: [EnumDescriptor] = []
    public internal(set) var services: [ServiceDescriptor] = []
    /// Extensions declared at file scope.
    public internal(set) var extensions: [FieldDescriptor] = []
    let features: ResolvedFeatures

    init(proto: Google_Protobuf_FileDescriptorProto) {
        self.proto = proto
        self.syntax = Syntax(file: proto)
        self.features = ResolvedFeatures.defaults(for: syntax.edition).merging(proto.options.features)
    }
}
