import Foundation
import LocalFile
import SwiftProtobuf

/// A set of `.proto` files linked together: every type reference resolved, every symbol indexed.
///
/// A pool is immutable; ``merging(_:)`` returns a new one, which is how repeated `load` and
/// `loadProtoset` calls accumulate. Descriptors handed out by a pool are valid while the pool lives.
public final class DescriptorPool: Sendable {
    /// Files in dependency order: every file comes after the files it imports.
    public let files: [FileDescriptor]
    private let filesByName: [String: FileDescriptor]
    private let messagesByName: [String: MessageDescriptor]
    private let enumsByName: [String: EnumDescriptor]
    private let servicesByName: [String: ServiceDescriptor]
    private let methodsByPath: [String: MethodDescriptor]
    private let extensionsByName: [String: FieldDescriptor]

    /// An empty pool.
    public convenience init() {
        // An empty file list cannot fail to link.
        try! self.init(files: [])
    }

    /// Links `files`, given in any order. Every import must be among them.
    ///
    /// Files with the same name must be identical (duplicates are dropped); a symbol defined by two
    /// files, a missing import, an import cycle or an unresolvable type reference is a ``SchemaError``.
    public init(files protos: [Google_Protobuf_FileDescriptorProto]) throws {
        var builder = PoolBuilder()
        try builder.build(protos)
        files = builder.files
        filesByName = builder.filesByName
        messagesByName = builder.messages
        enumsByName = builder.enums
        servicesByName = builder.services
        methodsByPath = builder.methods
        extensionsByName = builder.extensions
    }

    /// Loads a binary `google.protobuf.FileDescriptorSet` (a protoset), as written by
    /// `protoc --include_imports --descriptor_set_out` or `buf build -o`.
    public convenience init(protoset data: Data, name: String = "protoset") throws {
        let set: Google_Protobuf_FileDescriptorSet
        do {
            set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
        } catch {
            throw SchemaError(.io, "couldn't unmarshal protoset file \(name): \(error)")
        }
        do {
            try self.init(files: Self.withWellKnownImports(set.file))
        } catch var error as SchemaError where error.code == .importNotFound {
            error.message += " of \(name) (was it written without --include_imports?)"
            throw error
        }
    }

    /// `files` and, before them, the well-known types they import but do not hold (a protoset written
    /// without its imports), compiled from the built-in sources as protoc falls back to its own.
    static func withWellKnownImports(_ files: [Google_Protobuf_FileDescriptorProto]) throws
        -> [Google_Protobuf_FileDescriptorProto]
    {
        let present = Set(files.map(\.name))
        let missing = Set(files.flatMap(\.dependency)).subtracting(present).filter {
            WellKnownProtos.source(for: $0) != nil
        }
        guard !missing.isEmpty else { return files }
        let builtIn = try ProtoLoader(sources: [:]).load(missing.sorted())
        return builtIn.filter { !present.contains($0.name) } + files
    }

    /// Reads and loads the protoset at `path`.
    public convenience init(protosetAt path: String) throws {
        let data: Data
        do {
            data = Data(try LocalFile.read(path))
        } catch {
            throw SchemaError(.io, "couldn't open protoset: \(error)")
        }
        try self.init(protoset: data, name: path)
    }

    /// A pool holding these files and `protos`. Files already here are skipped when identical and
    /// rejected when different, as are symbols that another file already defines.
    public func merging(_ protos: [Google_Protobuf_FileDescriptorProto]) throws -> DescriptorPool {
        try DescriptorPool(files: files.map(\.proto) + protos)
    }

    /// A pool holding the files of both pools.
    public func merging(_ other: DescriptorPool) throws -> DescriptorPool {
        try merging(other.files.map(\.proto))
    }

    // MARK: Lookup

    public func file(named name: String) -> FileDescriptor? { filesByName[name] }

    /// The message with this full name (a leading dot is accepted).
    public func message(named name: String) -> MessageDescriptor? { messagesByName[Self.strip(name)] }

    /// The enum with this full name (a leading dot is accepted).
    public func enumType(named name: String) -> EnumDescriptor? { enumsByName[Self.strip(name)] }

    public func service(named name: String) -> ServiceDescriptor? { servicesByName[Self.strip(name)] }

    /// The extension with this full name, as used in JSON (`[pkg.my_extension]`).
    public func extensionField(named name: String) -> FieldDescriptor? { extensionsByName[Self.strip(name)] }

    /// The method for an HTTP/2 path or a k6 method URL: `/pkg.Service/Method` or `pkg.Service/Method`.
    public func method(path: String) -> MethodDescriptor? {
        if path.hasPrefix("/") { return methodsByPath[path] }
        return methodsByPath["/" + path]
    }

    /// Every method of every file, in the shape and order k6's `load` returns them.
    public var methods: [MethodInfo] {
        files.flatMap { $0.services.flatMap { $0.methods.map(\.info) } }
    }

    /// All messages, including nested ones, in file order.
    public var allMessages: [MessageDescriptor] {
        func walk(_ message: MessageDescriptor) -> [MessageDescriptor] {
            [message] + message.nestedMessages.flatMap(walk)
        }
        return files.flatMap { $0.messages.flatMap(walk) }
    }

    /// A FileDescriptorSet of the named files (all files when `names` is nil), and with
    /// `includeImports` their transitive imports, in dependency order.
    public func fileDescriptorSet(files names: [String]? = nil, includeImports: Bool = true)
        -> Google_Protobuf_FileDescriptorSet
    {
        var set = Google_Protobuf_FileDescriptorSet()
        guard let names else {
            set.file = files.map(\.proto)
            return set
        }
        var wanted = Set(names)
        if includeImports {
            var stack = names.compactMap { filesByName[$0] }
            while let file = stack.popLast() {
                for dependency in file.dependencies where wanted.insert(dependency.name).inserted {
                    stack.append(dependency)
                }
            }
            set.file = files.filter { wanted.contains($0.name) }.map(\.proto)
        } else {
            // protoc lists the requested files in the order they were given.
            set.file = names.compactMap { filesByName[$0]?.proto }
        }
        return set
    }

    private static func strip(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }
}
