import ArgumentParser
import ProtoCodec

/// How messages are written as JSON; the defaults are k6's.
struct JSONOutputOptions: ParsableArguments {
    @Flag(name: .customLong("proto-names"), help: "Use the field names of the .proto instead of lowerCamelCase.")
    var protoNames = false

    /// Whether unset fields are written.
    enum Defaults: String, EnumerableFlag {
        case emitDefaults, omitDefaults

        static func help(for value: Defaults) -> ArgumentHelp? {
            switch value {
            case .emitDefaults: "Write unset fields with their defaults, as k6 does."
            case .omitDefaults: "Leave unset fields out."
            }
        }
    }

    @Flag var defaults: Defaults = .emitDefaults

    @Flag(name: .customLong("enums-as-numbers"), help: "Write enum values as numbers instead of names.")
    var enumsAsNumbers = false

    @Flag(help: "Indent the JSON, one member per line.")
    var pretty = false

    var options: JSONEncodingOptions {
        .with {
            $0.unpopulated = defaults == .emitDefaults ? .emitted : .omitted
            $0.useProtoNames = protoNames
            $0.enumsAsNumbers = enumsAsNumbers
            $0.pretty = pretty
        }
    }
}
