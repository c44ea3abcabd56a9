import GRPCProtocol
import GRPCWire
import NIOCore
import ProtoSchema
import SwiftProtobuf

/// A server reflection client: asks a server for its services and the `.proto` files behind them, the way
/// k6's `connect(addr, {reflect: true})` does (jhump/protoreflect's auto client).
///
/// ```swift
/// let pool = try await ReflectionClient.fetchPool(on: connection, metadata: ["authorization": "Bearer t"])
/// ```
///
/// It tries `grpc.reflection.v1` first and falls back to `v1alpha` when the server answers UNIMPLEMENTED;
/// everything goes over one `ServerReflectionInfo` stream: list the services, ask for the file of each,
/// then for every dependency not received yet (by file name, once each). A dependency the server cannot
/// provide is replaced by an empty placeholder, as k6's `AllowMissingFileDescriptors` does, so files that
/// only import options or unused types still link.
public enum ReflectionClient {
    /// What reflection found.
    public struct Result: Sendable {
        /// The files, as the server sent them, plus placeholders for missing ones.
        public var files: [Google_Protobuf_FileDescriptorProto]
        /// The services the server listed, in its order.
        public var services: [String]
        /// Dependencies the server could not provide (replaced by empty placeholders).
        public var missingFiles: [String]
        /// The protocol version the server spoke.
        public var version: ReflectionVersion
    }

    /// Fetches the server's schema and links it into a pool.
    public static func fetchPool(
        on connection: ClientConnection, metadata: Metadata = [:], timeout: TimeAmount? = nil
    ) async throws -> DescriptorPool {
        let result = try await fetch(on: connection, metadata: metadata, timeout: timeout)
        do {
            return try DescriptorPool(files: result.files)
        } catch {
            throw ReflectionError("can't convert method info: \(error)")
        }
    }

    /// Fetches the server's files without linking them.
    public static func fetch(
        on connection: ClientConnection, metadata: Metadata = [:], timeout: TimeAmount? = nil
    ) async throws -> Result {
        var options = CallOptions()
        options.metadata = metadata
        options.timeout = timeout
        // Descriptor sets of large APIs easily pass grpc-go's 4 MiB default.
        options.maxReceiveMessageSize = 64 * 1024 * 1024
        do {
            return try await fetch(on: connection, version: .v1, options: options)
        } catch let error as ReflectionError where error.status?.code == .unimplemented {
            return try await fetch(on: connection, version: .v1alpha, options: options)
        }
    }

    /// Runs the whole conversation with one protocol version.
    static func fetch(
        on connection: ClientConnection, version: ReflectionVersion, options: CallOptions
    ) async throws -> Result {
        let messages = ReflectionMessages(version: version)
        let session = CallSession.start(on: connection, path: version.path, options: options)
        var conversation = Conversation(session: session, messages: messages)
        do {
            let result = try await conversation.run(version: version)
            session.end()
            _ = await session.finished()
            return result
        } catch {
            session.cancel()
            throw error
        }
    }
}

/// One reflection conversation: requests pipelined on the stream, answers read in order.
private struct Conversation {
    let session: CallSession
    let messages: ReflectionMessages
    var files: [String: Google_Protobuf_FileDescriptorProto] = [:]
    var order: [String] = []
    var requested: Set<String> = []
    var missing: [String] = []

    init(session: CallSession, messages: ReflectionMessages) {
        self.session = session
        self.messages = messages
    }

    mutating func run(version: ReflectionVersion) async throws -> ReflectionClient.Result {
        session.send(messages.encode(.listServices))
        let services: [String]
        switch try await answer(context: "can't list services") {
        case .services(let names): services = names
        case .error(let code, let message):
            throw ReflectionError(
                "can't list services: \(GRPCStatus(code: StatusCode(rawValue: Int(code)), message: message).goErrorDescription)"
            )
        default: throw ReflectionError("can't list services: the server answered with something else")
        }

        // The file of every service, asked for all at once: the server answers in order.
        for service in services { session.send(messages.encode(.fileContainingSymbol(service))) }
        for service in services {
            let context = "can't get method on service \"\(service)\""
            switch try await answer(context: context) {
            case .files(let protos): try add(protos, context: context)
            case .error(let code, let message):
                throw ReflectionError(
                    "\(context): \(GRPCStatus(code: StatusCode(rawValue: Int(code)), message: message).goErrorDescription)"
                )
            default: throw ReflectionError("\(context): the server answered with something else")
            }
        }

        // Dependencies the answers did not include, round after round until none is missing.
        while true {
            let wanted = order.flatMap { files[$0]?.dependency ?? [] }.filter {
                files[$0] == nil && !requested.contains($0)
            }
            let unique = wanted.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            if unique.isEmpty { break }
            for name in unique {
                requested.insert(name)
                session.send(messages.encode(.fileByFilename(name)))
            }
            for name in unique {
                let context = "can't get file \"\(name)\""
                switch try await answer(context: context) {
                case .files(let protos):
                    try add(protos, context: context)
                    if files[name] == nil { missing.append(name) }
                default:
                    missing.append(name)
                }
            }
        }
        var result = order.compactMap { files[$0] }
        for name in missing where files[name] == nil {
            var placeholder = Google_Protobuf_FileDescriptorProto()
            placeholder.name = name
            placeholder.syntax = "proto3"
            result.append(placeholder)
        }
        return ReflectionClient.Result(files: result, services: services, missingFiles: missing, version: version)
    }

    /// The next answer, or an error carrying the call's status when the stream ended instead.
    private func answer(context: String) async throws -> ReflectionMessages.Response {
        guard let buffer = await session.next() else {
            let status =
                await session.finalResult()?.status
                ?? GRPCStatus(code: .unknown, message: "the reflection stream ended without an answer")
            let shown = status.isOK ? GRPCStatus(code: .unknown, message: "the stream ended early") : status
            throw ReflectionError("\(context): \(shown.goErrorDescription)", status: shown)
        }
        do {
            return try messages.decode(buffer)
        } catch {
            throw ReflectionError("\(context): malformed reflection response: \(error)")
        }
    }

    private mutating func add(_ protos: [[UInt8]], context: String) throws {
        for bytes in protos {
            let file: Google_Protobuf_FileDescriptorProto
            do {
                file = try Google_Protobuf_FileDescriptorProto(serializedBytes: bytes)
            } catch {
                throw ReflectionError("\(context): malformed FileDescriptorProto: \(error)")
            }
            guard files[file.name] == nil else { continue }
            files[file.name] = file
            order.append(file.name)
        }
    }
}
