import Foundation
import ProtoCodec
import ProtoSchema
import SwiftProtobuf

/// What a client knows about message types and methods: a linked pool, its compiled types and a table of
/// methods by path. Immutable; `load`, `loadProtoset` and reflection make a new one that adds files.
///
/// Clients can share one schema (`Client(schema:)`), so many virtual users load the files once.
public final class ClientSchema: Sendable {
    /// The linked files.
    public let pool: DescriptorPool
    /// The message types of `pool`.
    public let registry: MessageRegistry
    private let methods: [String: RPCMethod]

    /// An empty schema: connecting works, invoking does not (`method "/..." not found`).
    public static let empty = try! ClientSchema(pool: DescriptorPool())

    /// The schema of a pool.
    public init(pool: DescriptorPool) throws {
        self.pool = pool
        do {
            registry = try MessageRegistry(pool: pool)
        } catch {
            throw EngineError(.schema, "\(error)")
        }
        var methods: [String: RPCMethod] = [:]
        for file in pool.files {
            for service in file.services {
                for method in service.methods {
                    methods[method.path] = try RPCMethod(descriptor: method, registry: registry)
                }
            }
        }
        self.methods = methods
    }

    /// The method for a k6 URL: `pkg.Service/Method` or `/pkg.Service/Method` (exact, case-sensitive).
    public func method(_ url: String) throws(EngineError) -> RPCMethod {
        guard !url.isEmpty else { throw EngineError(.methodNotFound, "method to invoke cannot be empty") }
        let path = url.hasPrefix("/") ? url : "/" + url
        guard let method = methods[path] else {
            throw EngineError(.methodNotFound, "method \(GoFormat.quoted(path)) not found in file descriptors")
        }
        return method
    }

    /// Every method of every file, as k6's `load` lists them.
    public var methodInfos: [MethodInfo] { pool.methods }

    /// A schema with `files` added. Files already here (by name) are kept as they are, as k6 keeps the
    /// first registration; a symbol defined by two different files is an error.
    public func adding(_ files: [Google_Protobuf_FileDescriptorProto]) throws(EngineError) -> ClientSchema {
        let known = Set(pool.files.map(\.name))
        var seen = known
        let fresh = files.filter { seen.insert($0.name).inserted }
        if fresh.isEmpty { return self }
        do {
            return try ClientSchema(pool: pool.merging(fresh))
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.schema, "\(error)")
        }
    }

    /// The methods of `files` in k6's `MethodInfo` shape (dependencies included, as k6 returns them).
    static func infos(of files: [Google_Protobuf_FileDescriptorProto], in pool: DescriptorPool) -> [MethodInfo] {
        files.compactMap { pool.file(named: $0.name) }.flatMap { $0.services.flatMap { $0.methods.map(\.info) } }
    }
}
