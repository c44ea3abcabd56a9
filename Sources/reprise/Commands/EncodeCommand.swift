import ArgumentParser
import Foundation
import ProtoCodec

/// `reprise encode`: JSON to protobuf binary, like `protoc --encode` with JSON instead of text format.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encode a JSON message as binary protobuf.",
        discussion: """
            Reads one message as proto3 JSON from standard input (field names in either form, enums by name \
            or number, 64-bit integers as numbers or strings) and writes its binary encoding.

              reprise encode --protoset api.protoset --type pkg.Msg < msg.json > msg.bin
              reprise encode --raw < fields.json > msg.bin   # from `decode --raw` JSON

            Exit status: 0 encoded; 66 the input is not valid JSON or not a valid message (with the line or \
            field where it stops) or cannot be read; 64 a usage error (an unknown type, with the closest names).
            """)

    @OptionGroup var schema: SchemaOptions

    @OptionGroup var messageType: MessageTypeOptions

    @Flag(help: "Encode the schema-less JSON form that `reprise decode --raw` writes.")
    var raw = false

    @Flag(name: .customLong("allow-unknown"), help: "Skip JSON members that name no field instead of failing.")
    var allowUnknown = false

    @Flag(name: .customLong("allow-partial"), help: "Accept messages whose required fields are missing.")
    var allowPartial = false

    @Flag(help: "Write map entries sorted by key, so equal messages give equal bytes.")
    var deterministic = false

    @OptionGroup var io: InputOutputOptions

    func validate() throws {
        if !raw, messageType.name == nil {
            throw ValidationError(
                "Missing the message type (--type NAME, or NAME alone), or pass --raw for the schema-less form.")
        }
    }

    func run() throws {
        let schemaType = raw ? nil : try schema.type(named: messageType.name ?? "", in: schema.registry())
        let input = try io.read()
        let json: JSONValue
        do {
            json = try JSONValue(parsing: input)
        } catch {
            throw CommandError("\(io.inputName) is not valid JSON: \(error)", status: .unreadableInput)
        }
        var bytes: [UInt8] = []
        if raw {
            do {
                bytes = try RawMessage(json: json).serializedBytes()
            } catch {
                throw CommandError("\(io.inputName) is not a raw message: \(error)", status: .unreadableInput)
            }
        } else if let messageType = schemaType {
            do {
                let message = try DynamicMessage(
                    type: messageType, json: json,
                    options: .with {
                        $0.ignoreUnknownFields = allowUnknown
                        $0.allowPartial = allowPartial
                    })
                bytes = try message.serializedBytes(
                    options: .with {
                        $0.deterministic = deterministic
                        $0.allowPartial = allowPartial
                    })
            } catch {
                throw CommandError(
                    "\(io.inputName) is not a valid \(messageType.fullName): \(error)", status: .unreadableInput)
            }
        }
        try io.write(Data(bytes))
    }
}
