import Foundation
import LocalFile
import ProtoSchema
import SwiftProtobuf
import Synchronization

extension Client {
    /// Compiles `.proto` files with k6's import rules and adds them to the schema (k6's `load`). An empty
    /// `importPaths` means the base directory. Returns every method of the compiled files and their
    /// dependencies, in k6's `MethodInfo` shape.
    @discardableResult
    public func load(importPaths: [String], _ files: String...) throws(EngineError) -> [MethodInfo] {
        try load(importPaths: importPaths, files: files)
    }

    /// Compiles `.proto` files with k6's import rules and adds them to the schema; see `load(importPaths:_:)`.
    @discardableResult
    public func load(importPaths: [String], files: [String]) throws(EngineError) -> [MethodInfo] {
        let protos: [Google_Protobuf_FileDescriptorProto]
        do {
            protos = try ProtoLoader(importPaths: importPaths, baseDirectory: configuration.baseDirectory).load(files)
        } catch {
            throw EngineError(.schema, "\(error)")
        }
        return try add(protos)
    }

    /// Adds the files of a protoset (a binary `FileDescriptorSet` with every dependency) to the schema
    /// (k6's `loadProtoset`).
    @discardableResult
    public func loadProtoset(_ path: String) throws(EngineError) -> [MethodInfo] {
        let resolved =
            path.hasPrefix("/")
            ? path : (configuration.baseDirectory ?? FileManager.default.currentDirectoryPath) + "/" + path
        let data: Data
        do {
            data = Data(try LocalFile.read(resolved))
        } catch {
            throw EngineError(.schema, "couldn't open protoset: open \(error)")
        }
        let set: Google_Protobuf_FileDescriptorSet
        do {
            set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
        } catch {
            throw EngineError(.schema, "couldn't unmarshal protoset file \(path): \(error)")
        }
        return try add(set.file)
    }

    /// Adds already-compiled files (a recording's embedded schema, say) to the schema.
    @discardableResult
    public func add(_ files: [Google_Protobuf_FileDescriptorProto]) throws(EngineError) -> [MethodInfo] {
        let result: Result<ClientSchema, EngineError> = state.withLock { state in
            do throws(EngineError) {
                state.schema = try state.schema.adding(files)
                return .success(state.schema)
            } catch {
                return .failure(error)
            }
        }
        let schema = try result.get()
        return ClientSchema.infos(of: files, in: schema.pool)
    }
}
