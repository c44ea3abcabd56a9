import ArgumentParser
import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import ProtoCodec
import ProtoSchema
import Reflection

/// `reprise call`: one gRPC call from the command line, grpcurl style, or a quick closed-loop load run
/// of the same call (`-n`).
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a gRPC method once (grpcurl style), or many times as a quick load test.",
        discussion: """
            The request is proto3 JSON (-d, '@' reads standard input, '@FILE' a file); for a client-streaming \
            method a JSON array, or JSON objects one after another (as grpcurl takes them; none sends no \
            message), is sent as one message per element. Types come from --proto \
            (with -I) or --protoset, or else from the server's reflection service. The response goes to standard \
            output as JSON (one document per message for server streaming), the status to standard error; \
            the exit status is 0 for OK and 64 + the gRPC code otherwise (as grpcurl), 1 when the call could not be made.

              reprise call --plaintext -d '{"greeting":"Bert"}' \\
                  127.0.0.1:50051 hello.HelloService/SayHello

            With -n the call runs TOTAL times, -c at a time over --connections connections, and prints k6's \
            end-of-test summary and the calls per second (--json: one JSON object instead). --threshold, --out \
            and --summary-export work as in k6; a failed threshold exits with 99.

              reprise call --plaintext -n 10000 -c 50 --connections 2 \\
                  --threshold 'grpc_req_duration=p(99)<50' \\
                  127.0.0.1:50051 hello.HelloService/SayHello
            """)

    @Argument(help: ArgumentHelp("The server, host:port.", valueName: "address"))
    var address: String

    @Argument(help: ArgumentHelp("The method: pkg.Service/Method (or pkg.Service.Method).", valueName: "method"))
    var method: String

    @Option(
        name: [.customShort("d"), .customLong("data")],
        help: ArgumentHelp("The request as JSON; '@' reads standard input, '@FILE' a file.", valueName: "json"))
    var data = "{}"

    @Option(
        name: [.customShort("H"), .customLong("header")],
        help: ArgumentHelp(
            "Request metadata 'key: value' (repeatable; -bin keys take base64; keys gRPC sets itself, such as grpc-timeout, are not sent).",
            valueName: "header"))
    var headers: [String] = []

    @OptionGroup var schema: SchemaOptions
    @OptionGroup var tls: CallTLSOptions

    @Option(
        name: .customLong("connect-timeout"),
        parsing: .unconditional,
        help: ArgumentHelp("Seconds the connection (and reflection) may take.", valueName: "seconds"))
    var connectTimeout: Double = 60

    @Option(
        name: .customLong("max-time"),
        parsing: .unconditional,
        help: ArgumentHelp("The call's deadline in seconds (default 120, as k6's invoke).", valueName: "seconds"))
    var maxTime: Double?

    @Option(
        name: .customLong("reflect-header"),
        help: ArgumentHelp("Metadata for the reflection call only 'key: value' (repeatable).", valueName: "header"))
    var reflectHeaders: [String] = []

    @Option(
        name: .customLong("max-msg-size"), parsing: .unconditional,
        help: ArgumentHelp("The largest response message accepted, in bytes (default 4 MiB).", valueName: "bytes"))
    var maxReceiveSize: Int?

    @Flag(
        name: [.customShort("v"), .long],
        help: "Also print the response headers and trailers on standard error (-bin values in base64).")
    var verbose = false

    @OptionGroup var load: CallLoadOptions

    func validate() throws {
        _ = try ServerAddress(address, option: "The address")
        if method == "list" || method == "describe" {
            // grpcurl's verbs, typed where the method goes: say where they are here.
            throw ValidationError(
                "\(method) is not a method: to \(method) the server's services, run reprise \(method) \(address)")
        }
        if connectTimeout <= 0 { throw ValidationError("--connect-timeout must be positive.") }
        if let maxTime, maxTime <= 0 { throw ValidationError("--max-time must be positive.") }
        if let maxReceiveSize, maxReceiveSize < 1 {
            throw ValidationError("--max-msg-size must be at least 1 byte; got \(maxReceiveSize).")
        }
        Self.warnAboutReserved(try Self.metadata(headers, option: "-H"), option: "-H", command: "call")
        try load.validate()
    }

    /// grpcurl's exit statuses: 64 + the gRPC code of a failed call, 64 for a usage error, 1 when the call
    /// could not be made (an unreadable file, a schema error, no connection).
    func run() async throws {
        do {
            try await call()
        } catch var error as CommandError where error.status != .usage {
            error.status = .failure
            throw error
        }
    }

    private func call() async throws {
        let client = try await connectedClient()
        do {
            _ = try client.schema.method(methodURL)
        } catch {
            await client.close()
            throw CommandError(error.message + Self.nearby(methodURL, in: client.schema.pool))
        }
        if let method = try? client.schema.method(methodURL), method.isClientStreaming || method.isServerStreaming {
            return try await runStream(client, method: method)
        }
        if load.isLoad {
            let code = try await runLoad(first: client)
            if code != 0 { throw ExitCode(code) }
            return
        }
        let response: Response
        do {
            response = try await client.invoke(methodURL, request: try request(), params: try callParams())
        } catch {
            await client.close()
            throw CommandError("\(error)")
        }
        await client.close()
        if let message = response.message, response.status == .ok {
            StandardStream.output.write(Data(message.jsonUTF8(pretty: true) + [UInt8(ascii: "\n")]))
        }
        var report = ""
        if verbose {
            report += "headers: \(Self.shown(response.headers))\n"
            report += "trailers: \(Self.shown(response.trailers))\n"
        }
        report += "status: \(response.status.name) (\(response.status.rawValue))"
        if let error = response.error {
            report += ": \(error.message)"
            // Below gRPC (refused, reset, GOAWAY...): k6's error_code, as load-run samples are tagged.
            if let code = error.k6ErrorCode { report += " (k6 error_code \(code))" }
            for detail in error.details { report += "\n  detail: \(detail.jsonString())" }
        }
        StandardStream.error.write(report + "\n")
        if response.status != .ok { throw ExitCode(Int32(64 + response.status.rawValue)) }
    }

    // MARK: Pieces shared by both modes

    /// What the schema has near a method it does not have ("; ..."): close names of the service's methods
    /// (or the methods it has), or close service names (or the services there are).
    static func nearby(_ url: String, in pool: DescriptorPool) -> String {
        let path = url.hasPrefix("/") ? String(url.dropFirst()) : url
        let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
        let services = pool.files.flatMap(\.services).filter { !$0.fullName.hasPrefix("grpc.reflection.") }
        // A service where the method goes (`demo.v1.Demo`, which reads as method Demo of service demo.v1).
        if let service = services.first(where: { $0.fullName == path.replacingOccurrences(of: "/", with: ".") }) {
            let names = service.methods.map(\.name)
            return "; \(service.fullName) is a service: name one of its methods, "
                + (names.isEmpty ? "but it has none" : "\(service.fullName)/METHOD, of " + Self.list(names))
        }
        if parts.count == 2, let service = services.first(where: { $0.fullName == parts[0] }) {
            let names = service.methods.map(\.name)
            let close = TypeSuggestions.closest(to: parts[1], among: names)
            if !close.isEmpty {
                return "; did you mean " + close.map { "\(service.fullName)/\($0)" }.joined(separator: ", ") + "?"
            }
            return "; \(service.fullName) has " + (names.isEmpty ? "no methods" : Self.list(names))
        }
        let close = TypeSuggestions.closest(to: parts[0], among: services.map(\.fullName))
        if !close.isEmpty { return "; did you mean the service \(close.joined(separator: ", "))?" }
        return services.isEmpty ? "" : "; the services here are " + Self.list(services.map(\.fullName))
    }

    private static func list(_ names: [String]) -> String {
        names.count > 12
            ? names.prefix(12).joined(separator: ", ") + " and \(names.count - 12) more" : names.joined(separator: ", ")
    }

    /// The method as k6 names it: `pkg.Service/Method` (grpcurl's `pkg.Service.Method` accepted too).
    var methodURL: String {
        if method.contains("/") { return method }
        guard let dot = method.lastIndex(of: ".") else { return method }
        return method[..<dot] + "/" + method[method.index(after: dot)...]
    }

    /// A client with the schema loaded (or reflected) and connected.
    func connectedClient(configuration: Client.Configuration = .init(), reflect: Bool? = nil) async throws -> Client {
        let client = Client(configuration: configuration)
        // Health and reflection methods are compiled in: calling them never needs the server's reflection
        // (which a server may not serve) nor the user's files.
        let standard = StandardProtos.files(definingMethod: methodURL)
        let useReflection = reflect ?? (schema.isEmpty && standard == nil)
        do {
            if !useReflection, !schema.isEmpty { try client.add(try schema.files()) }
            if let standard, (try? client.schema.method(methodURL)) == nil { try client.add(standard) }
        } catch let error as EngineError {
            throw CommandError("\(error)")
        }
        var params = try tls.connectParams(timeout: .milliseconds(Int64(connectTimeout * 1000)))
        params.reflect = useReflection
        params.reflectMetadata = try Self.metadata(reflectHeaders, option: "--reflect-header")
        params.maxReceiveSize = maxReceiveSize ?? 0
        do {
            try await client.connect(address, params: params)
        } catch  where error.code == .reflection {
            // grpcurl's status when a call cannot be made: 1.
            throw CommandError.reflectionFailed(
                at: address, unserved: error.status?.code == .unimplemented, error.message, status: .failure)
        } catch {
            throw CommandError.cannotConnect(error)
        }
        return client
    }

    /// The request: `-d`'s JSON, from standard input or a file when it starts with `@`.
    func request() throws -> Request {
        guard data.hasPrefix("@") else { return .json(data) }
        let path = String(data.dropFirst())
        if path.isEmpty {
            return .json(String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self))
        }
        return .json(try readTextFile(path, what: "the request (-d @FILE)"))
    }

    /// The call params: metadata and deadline.
    func callParams() throws -> CallParams {
        var params = CallParams()
        params.metadata = try Self.metadata(headers, option: "-H")
        if let maxTime { params.timeout = .milliseconds(Int64(maxTime * 1000)) }
        return params
    }

    /// Metadata as `-v` prints it: `{"key": ["value", ...]}`, `-bin` values in base64 (padded, as `-H`
    /// takes them), so bytes that are not UTF-8 survive.
    static func shown(_ metadata: Metadata) -> String {
        var object = JSONObject()
        for key in metadata.keys {
            object[key] = .array(
                metadata[key].map { value in
                    if case .binary(let bytes) = value { return .string(Base64.encode(bytes, padded: true)) }
                    return .string(value.text)
                })
        }
        return JSONValue.object(object).jsonString()
    }

    /// Says which keys of `metadata` (given with `option`) the call will not send: the ones gRPC and HTTP/2
    /// set themselves (grpc-timeout, content-type, user-agent, pseudo-headers), which grpc-go, and so grpcurl
    /// and k6, leave out without a word.
    static func warnAboutReserved(_ metadata: Metadata, option: String, command: String) {
        var warned: Set<String> = []
        for key in metadata.keys where ReservedHeaders.isReservedForSending(key) && warned.insert(key).inserted {
            // A replay sends a user agent given with -H in place of the recorded one.
            if key == "user-agent", command == "replay" { continue }
            let instead =
                switch (key, command) {
                case ("grpc-timeout", "call"): "the deadline is --max-time"
                case ("grpc-timeout", _): "each call keeps its recorded deadline"
                case ("user-agent", _): "the user agent is Reprise's"
                default: "the transport sets it"
                }
            StandardStream.error.write("reprise \(command): warning: \(option) \(key) is not sent: \(instead)\n")
        }
    }

    /// Metadata from `key: value` arguments; `-bin` values are base64, as grpcurl takes them.
    static func metadata(_ arguments: [String], option: String) throws -> Metadata {
        var metadata = Metadata()
        for argument in arguments {
            guard let colon = argument.firstIndex(of: ":") else {
                throw ValidationError("\(option) '\(argument)' is not 'key: value'.")
            }
            let key = argument[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = argument[argument.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw ValidationError("\(option) '\(argument)' has an empty key.") }
            if key.hasSuffix("-bin") {
                guard let bytes = Base64.decode(value, options: .binaryMetadata) else {
                    throw ValidationError("\(option) '\(argument)': the value of a -bin key must be base64.")
                }
                metadata.add(key, binary: bytes)
            } else {
                metadata.add(key, value)
            }
        }
        return metadata
    }
}
