/// Reading and writing `google.rpc.Status` in the protobuf binary format, by hand: three fields are not worth
/// a dependency on SwiftProtobuf in the protocol layer.
extension RPCStatus {
    /// Decodes a serialized `google.rpc.Status`; unknown fields are skipped as protobuf requires.
    public init(serializedBytes bytes: some Collection<UInt8>) throws(ProtobufReadError) {
        var reader = ProtobufReader(Array(bytes))
        var code: Int32 = 0
        var message = ""
        var details: [Detail] = []
        while let (field, wireType) = try reader.nextTag() {
            switch (field, wireType) {
            case (1, 0): code = Int32(truncatingIfNeeded: try reader.varint())
            case (2, 2): message = String(decoding: try reader.lengthDelimited(), as: UTF8.self)
            case (3, 2): details.append(try Detail(any: try reader.lengthDelimited()))
            default: try reader.skip(wireType: wireType)
            }
        }
        self.init(code: code, message: message, details: details)
    }

    /// The protobuf binary encoding of this status.
    public func serializedBytes() -> [UInt8] {
        var writer = ProtobufWriter()
        if code != 0 {
            writer.tag(1, wireType: 0)
            writer.varint(UInt64(bitPattern: Int64(code)))
        }
        if !message.isEmpty { writer.bytesField(2, Array(message.utf8)) }
        for detail in details {
            var any = ProtobufWriter()
            if !detail.typeURL.isEmpty { any.bytesField(1, Array(detail.typeURL.utf8)) }
            if !detail.value.isEmpty { any.bytesField(2, detail.value) }
            writer.bytesField(3, any.bytes)
        }
        return writer.bytes
    }
}

extension RPCStatus.Detail {
    fileprivate init(any bytes: ArraySlice<UInt8>) throws(ProtobufReadError) {
        var reader = ProtobufReader(Array(bytes))
        var typeURL = ""
        var value: [UInt8] = []
        while let (field, wireType) = try reader.nextTag() {
            switch (field, wireType) {
            case (1, 2): typeURL = String(decoding: try reader.lengthDelimited(), as: UTF8.self)
            case (2, 2): value = Array(try reader.lengthDelimited())
            default: try reader.skip(wireType: wireType)
            }
        }
        self.init(typeURL: typeURL, value: value)
    }
}

/// The bytes are not a valid protobuf encoding of the expected message.
public struct ProtobufReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, e.g. `truncated varint at byte 12`.
    public var reason: String
    public var description: String { "malformed google.rpc.Status: \(reason)" }
}

/// A minimal protobuf wire-format reader: varints, length-delimited fields and skipping.
struct ProtobufReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func nextTag() throws(ProtobufReadError) -> (field: UInt64, wireType: UInt8)? {
        guard index < bytes.count else { return nil }
        let key = try varint()
        guard key >> 3 != 0 else { throw ProtobufReadError(reason: "field number 0 at byte \(index)") }
        return (key >> 3, UInt8(key & 7))
    }

    mutating func varint() throws(ProtobufReadError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw ProtobufReadError(reason: "truncated varint at byte \(index)")
    }

    mutating func lengthDelimited() throws(ProtobufReadError) -> ArraySlice<UInt8> {
        let length = try varint()
        guard length <= UInt64(bytes.count - index) else {
            throw ProtobufReadError(reason: "length \(length) runs past the end at byte \(index)")
        }
        let slice = bytes[index..<index + Int(length)]
        index += Int(length)
        return slice
    }

    mutating func skip(wireType: UInt8) throws(ProtobufReadError) {
        switch wireType {
        case 0: _ = try varint()
        case 1: try advance(8)
        case 2: _ = try lengthDelimited()
        case 5: try advance(4)
        default: throw ProtobufReadError(reason: "unsupported wire type \(wireType) at byte \(index)")
        }
    }

    private mutating func advance(_ count: Int) throws(ProtobufReadError) {
        guard bytes.count - index >= count else { throw ProtobufReadError(reason: "truncated field at byte \(index)") }
        index += count
    }
}

/// A minimal protobuf wire-format writer, the mirror of `ProtobufReader`.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func tag(_ field: UInt64, wireType: UInt8) { varint(field << 3 | UInt64(wireType)) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func bytesField(_ field: UInt64, _ value: [UInt8]) {
        tag(field, wireType: 2)
        varint(UInt64(value.count))
        bytes += value
    }
}
