import GRPCProtocol

extension RawMessage {
    /// The message as JSON: an array of fields in wire order, each an object naming the field number
    /// and, as its second member, the wire type with the value:
    /// `[{"field": 1, "varint": 150}, {"field": 2, "string": "hi"}, {"field": 3, "message": [...]}]`.
    /// 64-bit values above 2^53 are strings; bytes are base64.
    public var jsonValue: JSONValue {
        .array(
            fields.map { field in
                let (kind, value): (String, JSONValue) =
                    switch field.value {
                    case .varint(let v): ("varint", Self.number(v))
                    case .fixed64(let v): ("fixed64", Self.number(v))
                    case .fixed32(let v): ("fixed32", .number(JSONNumber(v)))
                    case .message(let m): ("message", m.jsonValue)
                    case .string(let s): ("string", .string(s))
                    case .bytes(let b): ("bytes", .string(Base64.encode(b)))
                    case .group(let m): ("group", m.jsonValue)
                    }
                return ["field": .number(JSONNumber(field.number)), kind: value]
            })
    }

    private static func number(_ value: UInt64) -> JSONValue {
        value <= 1 << 53 ? .number(JSONNumber(value)) : .string(String(value))
    }

    /// Reads the JSON form ``jsonValue`` writes.
    public init(json: JSONValue) throws(CodecError) {
        guard case .array(let elements) = json else {
            throw CodecError(.invalidValue, "expected an array of fields, got \(json.typeName)", path: "$")
        }
        var fields: [RawField] = []
        for (index, element) in elements.enumerated() {
            do throws(CodecError) {
                fields.append(try Self.field(element))
            } catch {
                throw error.at("[\(index)]")
            }
        }
        self.init(fields: fields)
    }

    private static func field(_ json: JSONValue) throws(CodecError) -> RawField {
        guard case .object(let object) = json, object.count == 2, let numberValue = object["field"] else {
            throw CodecError(
                .invalidValue, "expected an object like {\"field\": 1, \"varint\": 150}, got \(json.typeName)")
        }
        guard let number = numberValue.numberValue?.uint64Value, number >= 1, number < 1 << 29 else {
            throw CodecError(.invalidValue, "\"field\" must be a field number from 1 to 536870911")
        }
        guard let member = object.members.first(where: { $0.key != "field" }) else {
            throw CodecError(.invalidValue, "missing the wire type member")
        }
        let value: RawValue
        switch (member.key, member.value) {
        case ("varint", let v): value = .varint(try unsigned(v, member.key))
        case ("fixed64", let v): value = .fixed64(try unsigned(v, member.key))
        case ("fixed32", let v):
            guard let n = UInt32(exactly: try unsigned(v, member.key)) else {
                throw CodecError(.invalidValue, "fixed32 value out of range")
            }
            value = .fixed32(n)
        case ("string", .string(let s)): value = .string(s)
        case ("bytes", .string(let s)):
            guard let bytes = Base64.decode(s, options: .urlSafeAlphabet) else {
                throw CodecError(.invalidValue, "\"bytes\" is not base64")
            }
            value = .bytes(bytes)
        case ("message", let m): value = .message(try RawMessage(json: m))
        case ("group", let m): value = .group(try RawMessage(json: m))
        default:
            throw CodecError(
                .invalidValue,
                "unknown wire type member \"\(member.key)\" (expected varint, fixed64, fixed32, string, bytes, message or group)"
            )
        }
        return RawField(number: UInt32(number), value: value)
    }

    private static func unsigned(_ json: JSONValue, _ key: String) throws(CodecError) -> UInt64 {
        switch json {
        case .number(let n): if let v = n.uint64Value { return v }
        case .string(let s): if let v = UInt64(s) { return v }
        default: break
        }
        throw CodecError(.invalidValue, "\"\(key)\" must be an unsigned integer")
    }
}
