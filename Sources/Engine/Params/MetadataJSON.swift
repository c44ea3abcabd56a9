import GRPCWire
import ProtoCodec

/// k6's `newMetadata`: an object of `key: string`, or for `-bin` keys `key: bytes` (JSON has no bytes:
/// an array of numbers 0...255 stands for a `Uint8Array`).
enum MetadataJSON {
    static func parse(_ value: JSONValue) throws(ParamsError) -> Metadata {
        var metadata = Metadata()
        if value.isNull { return metadata }
        guard case .object(let object) = value else {
            throw ParamsError("must be an object with key-value pairs")
        }
        for member in object.members {
            if member.key.hasSuffix("-bin") {
                guard let bytes = binary(member.value) else {
                    throw ParamsError("\(GoFormat.quoted(member.key)) value must be binary")
                }
                metadata.add(member.key, binary: bytes)
            } else {
                guard case .string(let text) = member.value else {
                    throw ParamsError("\(GoFormat.quoted(member.key)) value must be a string")
                }
                metadata.add(member.key, text)
            }
        }
        return metadata
    }

    private static func binary(_ value: JSONValue) -> [UInt8]? {
        guard case .array(let items) = value else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(items.count)
        for item in items {
            guard let number = item.int64Value, (0...255).contains(number) else { return nil }
            bytes.append(UInt8(number))
        }
        return bytes
    }
}

/// A parameter k6 would reject; `message` is k6's text (without the `invalid ... parameters:` prefix).
struct ParamsError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
