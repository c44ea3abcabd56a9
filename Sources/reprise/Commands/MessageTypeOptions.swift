import ArgumentParser

/// The message type `encode` and `decode` read or write: `--type pkg.Msg`, or the name alone after the
/// options, as people used to `protoc --decode=TYPE` type it.
struct MessageTypeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The full name of the message type, e.g. pkg.Msg.", valueName: "name"))
    var type: String?

    @Argument(help: ArgumentHelp("The message type, instead of --type.", valueName: "type"))
    var positional: String?

    /// The type asked for, either way.
    var name: String? { type ?? positional }

    func validate() throws {
        if let type, let positional, type != positional {
            throw ValidationError("The message type is given twice: --type \(type) and \(positional).")
        }
    }
}
