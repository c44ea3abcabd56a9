import SwiftProtobuf

/// A message value of a known type (an options message, or a custom option's message type), held
/// by field number. It merges values the way a protobuf parser does and writes them the way
/// protoc's options end up serialized: fields and extensions in number order, repeated values in
/// the order given, packed where the field is packed.
final class OptionMessage {
    enum Value {
        case scalar(WireRecord.Value)
        case message(OptionMessage)
    }

    /// Nesting beyond this stays as raw bytes (protobuf parsers stop at 100 levels).
    static let maxDepth = 100

    let type: MessageNode
    private(set) var values: [Int32: [Value]] = [:]
    private(set) var fields: [Int32: FieldNode] = [:]
    /// Records with no matching field (kept as is, after the known ones).
    private(set) var unknown: [WireRecord] = []
    let extensions: ExtensionIndex

    init(type: MessageNode, extensions: ExtensionIndex) {
        self.type = type
        self.extensions = extensions
    }

    func field(number: Int32) -> FieldNode? {
        if let field = type.fieldsByNumber[number] { return field }
        return extensions.find(extendee: type.fullName, number: number)
    }

    func has(_ field: FieldNode) -> Bool { values[field.number] != nil }

    func count(_ field: FieldNode) -> Int { values[field.number]?.count ?? 0 }

    func append(_ value: Value, for field: FieldNode) {
        fields[field.number] = field
        values[field.number, default: []].append(value)
    }

    /// The singular sub-message for `field`, created when absent.
    func subMessage(for field: FieldNode) -> OptionMessage? {
        guard let type = field.messageType else { return nil }
        if !field.isRepeated, case .message(let existing)? = values[field.number]?.last { return existing }
        let message = OptionMessage(type: type, extensions: extensions)
        append(.message(message), for: field)
        return message
    }

    /// Merges wire records as a protobuf parser would (last scalar wins when written, messages
    /// merge, repeated values append, packed runs are split).
    func merge(_ records: [WireRecord], depth: Int = 0) {
        for record in records {
            guard let field = field(number: record.number), !field.isMessageLike || depth < Self.maxDepth else {
                unknown.append(record)
                continue
            }
            if field.isMessageLike {
                let inner: [WireRecord]
                switch record.value {
                case .bytes(let bytes):
                    guard let decoded = WireCoding.decode(bytes) else {
                        unknown.append(record)
                        continue
                    }
                    inner = decoded
                case .group(let records):
                    inner = records
                default:
                    unknown.append(record)
                    continue
                }
                if field.isRepeated {
                    guard let type = field.messageType else { continue }
                    let message = OptionMessage(type: type, extensions: extensions)
                    message.merge(inner, depth: depth + 1)
                    append(.message(message), for: field)
                } else {
                    subMessage(for: field)?.merge(inner, depth: depth + 1)
                }
            } else if case .bytes(let bytes) = record.value, field.isPackable {
                for element in Self.unpack(bytes, as: field.scalarWireType) {
                    append(.scalar(element), for: field)
                }
            } else {
                append(.scalar(record.value), for: field)
            }
        }
    }

    private static func unpack(_ bytes: [UInt8], as wireType: Int) -> [WireRecord.Value] {
        var values: [WireRecord.Value] = []
        var index = 0
        while index < bytes.count {
            switch wireType {
            case 1:
                guard index + 8 <= bytes.count else { return values }
                var value: UInt64 = 0
                for offset in 0..<8 { value |= UInt64(bytes[index + offset]) << UInt64(offset * 8) }
                values.append(.fixed64(value))
                index += 8
            case 5:
                guard index + 4 <= bytes.count else { return values }
                var value: UInt32 = 0
                for offset in 0..<4 { value |= UInt32(bytes[index + offset]) << UInt32(offset * 8) }
                values.append(.fixed32(value))
                index += 4
            default:
                guard let value = WireCoding.readVarint(bytes, &index) else { return values }
                values.append(.varint(value))
            }
        }
        return values
    }

    // MARK: Writing

    func serialized() -> [UInt8] {
        var out: [UInt8] = []
        var stripped = false
        write(to: &out, strip: false, stripped: &stripped)
        return out
    }

    /// The bytes protoc writes into a descriptor set: fields declared with
    /// `retention = RETENTION_SOURCE` removed, at any depth. `stripped` tells whether any was.
    func serializedForOutput(stripped: inout Bool) -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out, strip: true, stripped: &stripped)
        return out
    }

    private func write(to out: inout [UInt8], strip: Bool, stripped: inout Bool) {
        for number in values.keys.sorted() {
            guard let field = fields[number], let list = values[number], !list.isEmpty else { continue }
            if strip && field.standardOptions.retention == .retentionSource {
                stripped = true
                continue
            }
            if field.isMessageLike {
                let messages = field.isRepeated ? list : [list[list.count - 1]]
                for case .message(let message) in messages {
                    if field.isDelimited {
                        WireCoding.appendTag(number, 3, to: &out)
                        message.write(to: &out, strip: strip, stripped: &stripped)
                        WireCoding.appendTag(number, 4, to: &out)
                    } else {
                        var body: [UInt8] = []
                        message.write(to: &body, strip: strip, stripped: &stripped)
                        WireCoding.appendTag(number, 2, to: &out)
                        WireCoding.appendVarint(UInt64(body.count), to: &out)
                        out += body
                    }
                }
            } else if field.isRepeated && field.isPacked {
                var body: [UInt8] = []
                for case .scalar(let value) in list {
                    switch value {
                    case .varint(let raw): WireCoding.appendVarint(raw, to: &body)
                    case .fixed32(let raw): WireCoding.appendFixed32(raw, to: &body)
                    case .fixed64(let raw): WireCoding.appendFixed64(raw, to: &body)
                    default: break
                    }
                }
                WireCoding.append(WireRecord(number: number, value: .bytes(body)), to: &out)
            } else {
                let scalars = field.isRepeated ? list : [list[list.count - 1]]
                for case .scalar(let value) in scalars {
                    // Without presence a zero value is the same as unset and is not written.
                    if !field.hasPresence && Self.isZero(value) { continue }
                    WireCoding.append(WireRecord(number: number, value: value), to: &out)
                }
            }
        }
        for record in unknown { WireCoding.append(record, to: &out) }
    }

    private static func isZero(_ value: WireRecord.Value) -> Bool {
        switch value {
        case .varint(let raw), .fixed64(let raw): raw == 0
        case .fixed32(let raw): raw == 0
        case .bytes(let bytes): bytes.isEmpty
        case .group: false
        }
    }

    /// Names of required fields that are not set, with `prefix` (protoc's `InitializationErrorString`).
    func missingRequiredFields(prefix: String = "") -> [String] {
        var missing: [String] = []
        for field in type.fields where field.isRequired && values[field.number] == nil {
            missing.append(prefix + field.name)
        }
        for number in values.keys.sorted() {
            guard let field = fields[number], field.isMessageLike, let list = values[number] else { continue }
            for (index, value) in list.enumerated() {
                guard case .message(let message) = value else { continue }
                let name = field.isExtension ? "(\(field.fullName))" : field.name
                let path = field.isRepeated ? "\(prefix)\(name)[\(index)]." : "\(prefix)\(name)."
                missing += message.missingRequiredFields(prefix: path)
            }
        }
        return missing
    }
}

/// All extensions known to a compilation, by extended message and number.
final class ExtensionIndex {
    private var byExtendee: [String: [Int32: FieldNode]] = [:]

    func add(_ field: FieldNode, extendee: String) {
        if byExtendee[extendee]?[field.number] == nil {
            byExtendee[extendee, default: [:]][field.number] = field
        }
    }

    func find(extendee: String, number: Int32) -> FieldNode? {
        byExtendee[extendee]?[number]
    }
}
