import ArgumentParser
import Foundation
import ProtoSchema

/// `reprise describe`: a service, method, message or enum printed as `.proto` text, as grpcurl describes
/// symbols.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Print a service, method, message or enum of a server, a recording or a schema as .proto text.",
        discussion: """
            SYMBOL is a full name: pkg.Service, pkg.Service.Method (or pkg.Service/Method), pkg.Message or \
            pkg.Enum. Type names in the output are fully qualified (.pkg.Message). The schema comes from the \
            server's reflection service, a recording's embedded schema, or --proto (with -I) or --protoset. \
            Exit status: 0; 1 an unknown symbol; 64 a usage error; 66 an unreadable recording or schema; 69 a \
            server that cannot be reached or serves no reflection.

              reprise describe --plaintext 127.0.0.1:50051 demo.v1.Demo
              reprise describe --plaintext 127.0.0.1:50051 demo.v1.Demo.SayHello
              reprise describe recordings/demo.jsonl demo.v1.HelloRequest
              reprise describe --protoset api.pb demo.v1.HelloRequest
            """)

    @Argument(
        help: ArgumentHelp(
            "The server (HOST:PORT or [IPv6]:PORT) or a recording (FILE.jsonl).", valueName: "address"))
    var source: String?

    @Argument(
        help: ArgumentHelp("The symbol to describe: pkg.Service, pkg.Service.Method, pkg.Message.", valueName: "symbol")
    )
    var symbol: String?

    @OptionGroup var options: SchemaSourceOptions

    func validate() throws {
        let (_, symbol) = try options.resolve(source, symbol)
        if symbol == nil { throw ValidationError("Name the symbol to describe, e.g. pkg.Service or pkg.Message.") }
    }

    func run() async throws {
        let (resolved, symbol) = try options.resolve(source, self.symbol)
        let name = symbol ?? ""
        let (pool, _) = try await options.load(resolved)
        StandardStream.output.write(try Self.describe(name, in: pool))
    }

    /// `NAME is a KIND:` and the symbol's text.
    static func describe(_ name: String, in pool: DescriptorPool) throws -> String {
        let bare = name.hasPrefix(".") ? String(name.dropFirst()) : name
        if let service = pool.service(named: bare) {
            return "\(service.fullName) is a service:\n" + ProtoPrinter.service(service)
        }
        if let message = pool.message(named: bare) {
            return "\(message.fullName) is a message:\n" + ProtoPrinter.message(message)
        }
        if let enumType = pool.enumType(named: bare) {
            return "\(enumType.fullName) is an enum:\n" + ProtoPrinter.enumType(enumType)
        }
        let path =
            bare.contains("/")
            ? bare
            : bare.lastIndex(of: ".").map {
                bare[..<$0] + "/" + bare[bare.index(after: $0)...]
            } ?? bare
        if let method = pool.method(path: path) {
            return "\(method.service.fullName).\(method.name) is a method:\n" + ProtoPrinter.method(method)
        }
        throw CommandError(ListCommand.unknown("symbol", name, among: symbols(in: pool)))
    }

    /// Every service, method, message and enum name of the pool.
    static func symbols(in pool: DescriptorPool) -> [String] {
        var names: [String] = []
        for file in pool.files {
            for service in file.services {
                names.append(service.fullName)
                names += service.methods.map { "\(service.fullName).\($0.name)" }
            }
        }
        names += pool.allMessages.filter { !$0.isMapEntry }.map(\.fullName)
        names += (pool.files.flatMap(\.enums) + pool.allMessages.flatMap(\.nestedEnums)).map(\.fullName)
        return names
    }
}
