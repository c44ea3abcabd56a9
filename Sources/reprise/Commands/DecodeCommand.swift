import ArgumentParser
import Foundation
import ProtoCodec

/// `reprise decode`: protobuf binary to JSON, like `protoc --decode` with JSON instead of text format.
struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode a binary protobuf message to JSON.",
        discussion: """
            Reads one message from standard input and writes its proto3 JSON, with k6's choices by default \
            (unset fields with their defaults, lowerCamelCase names, enum names, 64-bit integers as strings).

              reprise decode --protoset api.protoset --type pkg.Msg < msg.bin > msg.json
              reprise decode --raw < msg.bin          # without a schema

            Exit status: 0 decoded; 66 the input is not a valid message (with the byte and field where it \
            stops) or cannot be read; 64 a usage error (an unknown type, with the closest names).
            """)

    @OptionGroup var schema: SchemaOptions

    @OptionGroup var messageType: MessageTypeOptions

    @Flag(help: "Decode without a schema: field numbers, wire types and best-guess values.")
    var raw = false

    @Flag(name: .customLong("allow-partial"), help: "Accept messages whose required fields are missing.")
    var allowPartial = false

    @OptionGroup var json: JSONOutputOptions
    @OptionGroup var io: InputOutputOptions

    func validate() throws {
        if !raw, messageType.name == nil {
            throw ValidationError(
                "Missing the message type (--type NAME, or NAME alone), or pass --raw to decode without a schema.")
        }
    }

    func run() throws {
        let schemaType = raw ? nil : try schema.type(named: messageType.name ?? "", in: schema.registry())
        let input = try io.read()
        var text: [UInt8] = []
        if raw {
            do {
                let message = try input.withUnsafeBytes { try RawMessage(serializedBytes: Array($0)) }
                text = message.jsonValue.jsonUTF8(pretty: json.pretty)
            } catch {
                throw CommandError("\(io.inputName) is not valid protobuf: \(error)", status: .unreadableInput)
            }
        } else if let messageType = schemaType {
            do {
                let message = try DynamicMessage(
                    type: messageType, serializedData: input, options: .with { $0.allowPartial = allowPartial })
                text = try message.jsonUTF8Bytes(options: json.options)
            } catch {
                throw CommandError(
                    "\(io.inputName) is not a valid \(messageType.fullName): \(error)", status: .unreadableInput)
            }
        }
        text.append(UInt8(ascii: "\n"))
        try io.write(Data(text))
    }
}
