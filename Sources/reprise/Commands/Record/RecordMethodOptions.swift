import ArgumentParser
import Recording
import Reflection

/// Which calls `reprise record` writes: method globs and the standard protocols' switch. Calls left out
/// are still relayed untouched; only the recording skips them.
struct RecordMethodOptions: ParsableArguments {
    @Option(
        name: .customLong("method"),
        help: ArgumentHelp(
            "Record only calls whose method matches this glob over /pkg.Service/Method (repeatable; * is any run "
                + "of characters, ? one; the leading / is optional), e.g. 'demo.v1.Demo/*' or '*/Get*'.",
            valueName: "glob"))
    var include: [String] = []

    @Option(
        name: .customLong("exclude-method"),
        help: ArgumentHelp(
            "Leave out calls whose method matches this glob (repeatable; wins over --method). Calls left out "
                + "are still relayed to the server, only not recorded.",
            valueName: "glob"))
    var exclude: [String] = []

    @Flag(
        name: .customLong("exclude-reflection-and-health"),
        help: ArgumentHelp(
            "Leave out the clients' server reflection and health calls (grpc.reflection.*, grpc.health.v1.Health). "
                + "Off by default, so a recording holds every call the clients made unless asked; reprise mock "
                + "serves reflection and health itself either way."))
    var excludeStandard = false

    /// The globs `--exclude-reflection-and-health` stands for.
    static let standardProtocols = StandardProtos.serviceNames.map { "/\($0)/*" }

    /// The filter the flags describe.
    func filter() throws -> MethodFilter {
        do {
            return try MethodFilter(
                include: include, exclude: exclude + (excludeStandard ? Self.standardProtocols : []))
        } catch {
            throw ValidationError("--method/--exclude-method: \(error).")
        }
    }

    /// `only /demo.v1.Demo/*, except /grpc.health.v1.Health/*` for the start-up line.
    static func describe(_ filter: MethodFilter) -> String {
        var text = filter.include.isEmpty ? "every method" : "only " + filter.include.joined(separator: ", ")
        if !filter.exclude.isEmpty { text += ", except " + filter.exclude.joined(separator: ", ") }
        return text
    }
}
