import Foundation
import SwiftProtobuf

/// Custom options (extensions of `google.protobuf.*Options`, kept as unknown fields) as `.proto` text,
/// named and typed by the extensions the printed file can see: `(google.api.http) = { get: "/v1/x" }`.
/// An option whose extension is not among them is left out.
struct CustomOptionText {
    /// The options messages of `descriptor.proto` by full name, with the extensions linked to them.
    private let optionTypes: [String: MessageDescriptor]

    /// The options types reachable from `file` (through its imports).
    init(file: FileDescriptor) {
        var seen: Set<String> = []
        var stack = [file]
        var types: [String: MessageDescriptor] = [:]
        while let next = stack.popLast() {
            guard seen.insert(next.name).inserted else { continue }
            if next.name == "google/protobuf/descriptor.proto" {
                for message in next.messages { types[message.fullName] = message }
            }
            stack += next.dependencies
        }
        optionTypes = types
    }

    /// `(name) = value` for every custom option in `unknown`, the unknown fields of an `extendee` message
    /// (`google.protobuf.FieldOptions`); `prefix` goes before each name (`features.`).
    func assignments(_ unknown: Data, extendee: String, prefix: String = "") -> [String] {
        guard !unknown.isEmpty, let type = optionTypes[extendee], let records = WireCoding.decode(Array(unknown))
        else { return [] }
        var result: [String] = []
        for record in records {
            guard let field = type.extensionsByNumber[record.number] else { continue }
            for value in Self.values(record.value, field: field) {
                result.append("\(prefix)(\(field.fullName)) = \(value)")
            }
        }
        return result
    }

    /// The text of a value; a packed record holds several.
    static func values(_ value: WireRecord.Value, field: FieldDescriptor) -> [String] {
        switch (value, field.type) {
        case (.bytes(let bytes), let type) where type.isPackable:
            var values: [String] = []
            var index = 0
            while index < bytes.count {
                let element: WireRecord.Value
                switch type.wireType {
                case .fixed32:
                    guard index + 4 <= bytes.count else { return values }
                    element = .fixed32(bytes[index..<index + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) })
                    index += 4
                case .fixed64:
                    guard index + 8 <= bytes.count else { return values }
                    element = .fixed64(bytes[index..<index + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) })
                    index += 8
                default:
                    guard let varint = WireCoding.readVarint(bytes, &index) else { return values }
                    element = .varint(varint)
                }
                values += Self.values(element, field: field)
            }
            return values
        default:
            return scalar(value, field: field).map { [$0] } ?? []
        }
    }

    /// One value's text, or nil when the wire type does not fit the field.
    static func scalar(_ value: WireRecord.Value, field: FieldDescriptor) -> String? {
        switch (value, field.type) {
        case (.varint(let raw), .int32): "\(Int32(truncatingIfNeeded: raw))"
        case (.varint(let raw), .int64): "\(Int64(bitPattern: raw))"
        case (.varint(let raw), .uint32): "\(UInt32(truncatingIfNeeded: raw))"
        case (.varint(let raw), .uint64): "\(raw)"
        case (.varint(let raw), .sint32):
            "\(Int32(bitPattern: UInt32(truncatingIfNeeded: raw >> 1)) ^ -Int32(truncatingIfNeeded: raw & 1))"
        case (.varint(let raw), .sint64): "\(Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1))"
        case (.varint(let raw), .bool): raw != 0 ? "true" : "false"
        case (.varint(let raw), .enum):
            field.enumType?.value(number: Int32(truncatingIfNeeded: raw))?.name ?? "\(Int32(truncatingIfNeeded: raw))"
        case (.fixed32(let raw), .fixed32): "\(raw)"
        case (.fixed32(let raw), .sfixed32): "\(Int32(bitPattern: raw))"
        case (.fixed32(let raw), .float): number(Double(Float(bitPattern: raw)), Float(bitPattern: raw).description)
        case (.fixed64(let raw), .fixed64): "\(raw)"
        case (.fixed64(let raw), .sfixed64): "\(Int64(bitPattern: raw))"
        case (.fixed64(let raw), .double): number(Double(bitPattern: raw), Double(bitPattern: raw).description)
        case (.bytes(let bytes), .string): ProtoOptionText.quoted(String(decoding: bytes, as: UTF8.self))
        case (.bytes(let bytes), .bytes): ProtoOptionText.quoted(bytes: bytes)
        case (.bytes(let bytes), .message):
            field.messageType.flatMap { type in WireCoding.decode(bytes).map { aggregate($0, type: type) } }
        case (.group(let records), .group): field.messageType.map { aggregate(records, type: $0) }
        default: nil
        }
    }

    /// `inf`, `-inf`, `nan` and `-nan` as `.proto` spells them; other numbers as Swift prints them (round trip).
    static func number(_ value: Double, _ text: String) -> String {
        if value.isNaN { return value.sign == .minus ? "-nan" : "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return text
    }

    /// A message value in text format: `{ get: "/v1/x" body: "*" }`.
    static func aggregate(_ records: [WireRecord], type: MessageDescriptor) -> String {
        var parts: [String] = []
        for record in records {
            let field = type.field(number: record.number) ?? type.extensionsByNumber[record.number]
            guard let field else { continue }
            let name = field.isExtension ? "[\(field.fullName)]" : field.name
            for value in values(record.value, field: field) { parts.append("\(name): \(value)") }
        }
        return parts.isEmpty ? "{}" : "{ \(parts.joined(separator: " ")) }"
    }
}
