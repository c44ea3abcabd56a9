import ArgumentParser
import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoSchema
import Recording
import Reflection

/// Where `reprise list` and `reprise describe` read a schema: a server's reflection service, a
/// recording's embedded schema, or `--proto`/`--protoset` files.
struct SchemaSourceOptions: ParsableArguments {
    @OptionGroup var schema: SchemaOptions
    @OptionGroup var connection: ServerConnectionOptions

    @Option(
        name: .customLong("reflect-header"),
        help: ArgumentHelp("Metadata for the reflection call 'key: value' (repeatable).", valueName: "header"))
    var reflectHeaders: [String] = []

    /// What a source argument names.
    enum Source {
        case server(ServerAddress)
        case recording(String)
        case files
    }

    /// Whether `text` is a source (an address has a colon, a recording is a file or ends in `.jsonl`)
    /// rather than a symbol (which has neither).
    static func looksLikeSource(_ text: String) -> Bool {
        text.contains(":") || text.hasSuffix(".jsonl") || FileManager.default.fileExists(atPath: text)
    }

    /// Splits the positional arguments into a source and a symbol; with `--proto`/`--protoset` the source
    /// may be left out (`reprise list --protoset api.pb demo.v1.Demo`).
    func resolve(_ first: String?, _ second: String?) throws -> (Source, String?) {
        _ = try CallCommand.metadata(reflectHeaders, option: "--reflect-header")
        guard let first else {
            guard !schema.isEmpty else {
                throw ValidationError(
                    "Give a server (HOST:PORT), a recording (FILE.jsonl), or the schema with --proto FILE or "
                        + "--protoset FILE.")
            }
            return (.files, nil)
        }
        if !schema.isEmpty, !Self.looksLikeSource(first) {
            if let second { throw ValidationError("Unexpected argument \"\(second)\" after the symbol \"\(first)\".") }
            return (.files, first)
        }
        if first.hasSuffix(".jsonl") || (!first.contains(":") && FileManager.default.fileExists(atPath: first)) {
            if !schema.isEmpty {
                throw ValidationError("A recording carries its schema: leave out --proto/--protoset, or the recording.")
            }
            return (.recording(first), second)
        }
        let address = try ServerAddress(first, option: "ADDRESS")
        return (schema.isEmpty ? .server(address) : .files, second)
    }

    /// The schema of `source` and the services it offers, in the order to list them.
    func load(_ source: Source) async throws -> (pool: DescriptorPool, services: [String]) {
        switch source {
        case .files:
            let pool = try schema.pool()
            return (pool, pool.files.flatMap { $0.services.map(\.fullName) }.sorted())
        case .recording(let path):
            return try Self.recordingSchema(path)
        case .server(let address):
            return try await reflect(address)
        }
    }

    static func recordingSchema(_ path: String) throws -> (pool: DescriptorPool, services: [String]) {
        let header: RecordingHeader
        do {
            header = try RecordingReader(path: path).header
        } catch {
            throw CommandError("\(error)", status: .unreadableInput)
        }
        guard let embedded = header.schema else {
            throw CommandError(
                "\(path) has no embedded schema (it was recorded without one); read the service's own files "
                    + "instead: -I DIR --proto FILE or --protoset FILE, without the recording", status: .unreadableInput
            )
        }
        let pool: DescriptorPool
        do {
            pool = try embedded.makePool()
        } catch {
            throw CommandError("\(path): \(error)", status: .unreadableInput)
        }
        // The recording names the files that define its services; their services are the API.
        let named = embedded.files.compactMap { pool.file(named: $0) }
        let files = named.isEmpty ? pool.files : named
        return (pool, files.flatMap { $0.services.map(\.fullName) }.sorted())
    }

    /// The server's reflection: the services it lists and the files behind them.
    private func reflect(_ address: ServerAddress) async throws -> (pool: DescriptorPool, services: [String]) {
        let (client, connection) = try await self.connection.connect(address)
        let result: ReflectionClient.Result
        do {
            result = try await ReflectionClient.fetch(
                on: connection, metadata: try CallCommand.metadata(reflectHeaders, option: "--reflect-header"),
                timeout: self.connection.timeout)
        } catch let error as ReflectionError {
            await client.close()
            throw CommandError.reflectionFailed(
                at: address.target, unserved: error.status?.code == .unimplemented, error.message)
        }
        await client.close()
        do {
            return (try DescriptorPool(files: result.files), result.services.sorted())
        } catch {
            throw CommandError("the schema \(address.target) sent by reflection does not link: \(error)")
        }
    }
}
