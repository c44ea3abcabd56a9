import ArgumentParser
import Foundation
import ProtoSchema
import Recording

/// `reprise list`: the services a server (or a schema) offers, or one service's methods, as grpcurl lists
/// them.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the services of a server, a recording or a schema, or the methods of one service.",
        discussion: """
            The schema comes from the server's reflection service, from a recording's embedded schema, or from \
            --proto (with -I) or --protoset (then the address may be left out). Services print one per line, \
            sorted; with SERVICE its methods print as pkg.Service.Method. A recording made without a schema \
            lists the services and methods its calls used. Exit status: 0; 1 an unknown service; \
            64 a usage error; 66 an unreadable recording or schema; 69 a server that cannot be reached or \
            serves no reflection.

              reprise list --plaintext 127.0.0.1:50051
              reprise list --plaintext 127.0.0.1:50051 demo.v1.Demo
              reprise list recordings/demo.jsonl
              reprise list -I protos --proto demo/v1/demo.proto demo.v1.Demo
            """)

    @Argument(
        help: ArgumentHelp(
            "The server (HOST:PORT or [IPv6]:PORT) or a recording (FILE.jsonl).", valueName: "address"))
    var source: String?

    @Argument(help: ArgumentHelp("A service whose methods to list: pkg.Service.", valueName: "service"))
    var service: String?

    @OptionGroup var options: SchemaSourceOptions

    func validate() throws { _ = try options.resolve(source, service) }

    func run() async throws {
        let (resolved, service) = try options.resolve(source, self.service)
        if case .recording(let path) = resolved, let used = try Self.recordedMethods(path) {
            StandardStream.error.write(
                "\(path) has no embedded schema: these are what its calls used (for their types, give the "
                    + "service's files: -I DIR --proto FILE or --protoset FILE)\n")
            let services = Array(Set(used.map(\.service))).sorted()
            let lines: [String]
            if let service {
                guard services.contains(service) else {
                    throw CommandError(Self.unknown("service", service, among: services))
                }
                lines = used.filter { $0.service == service }.map { "\($0.service).\($0.method)" }
            } else {
                lines = services
            }
            StandardStream.output.write(lines.map { $0 + "\n" }.joined())
            return
        }
        let (pool, services) = try await options.load(resolved)
        let lines: [String]
        if let service {
            guard let found = pool.service(named: service) else {
                throw CommandError(Self.unknown("service", service, among: services))
            }
            lines = found.methods.map { "\(found.fullName).\($0.name)" }
        } else {
            lines = services
        }
        StandardStream.output.write(lines.map { $0 + "\n" }.joined())
    }

    /// The methods a recording without an embedded schema called, in the order first called (nil when it
    /// has a schema).
    static func recordedMethods(_ path: String) throws -> [(service: String, method: String)]? {
        do {
            var reader = try RecordingReader(path: path)
            guard reader.header.schema == nil else { return nil }
            var seen: Set<String> = []
            var methods: [(service: String, method: String)] = []
            while let event = try reader.next() {
                guard case .call(let start) = event, seen.insert(start.method).inserted else { continue }
                let parts = start.method.split(separator: "/", omittingEmptySubsequences: true)
                guard parts.count == 2 else { continue }
                methods.append((String(parts[0]), String(parts[1])))
            }
            return methods
        } catch {
            throw CommandError("\(error)", status: .unreadableInput)
        }
    }

    /// `unknown service "x"; did you mean a, b?` or the list of what there is.
    static func unknown(_ kind: String, _ name: String, among names: [String]) -> String {
        var message = "unknown \(kind) \"\(name)\""
        let close = TypeSuggestions.closest(to: name, among: names)
        if !close.isEmpty {
            message += "; did you mean \(close.joined(separator: ", "))?"
        } else if names.isEmpty {
            message += "; the schema has none"
        } else if names.count <= 8 {
            message += "; there are \(names.joined(separator: ", "))"
        } else {
            message += "; there are \(names.count) (see reprise list)"
        }
        return message
    }
}
