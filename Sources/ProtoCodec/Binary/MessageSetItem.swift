/// The legacy MessageSet wire format: a message with `option message_set_wire_format = true` holds
/// only extensions, each written as `repeated group Item = 1 { required int32 type_id = 2; required
/// bytes message = 3; }` where `type_id` is the extension's number. protoc, upb and protobuf-go all
/// read and write this form, so the codec does too.
enum MessageSetItem {
    /// START_GROUP of field 1.
    static let startKey: UInt32 = 1 << 3 | 3
    /// END_GROUP of field 1.
    static let endKey: UInt32 = 1 << 3 | 4
    /// `type_id`, field 2, varint.
    static let typeIDKey: UInt32 = 2 << 3 | 0
    /// `message`, field 3, length-delimited.
    static let messageKey: UInt32 = 3 << 3 | 2

    /// The encoded size of one item holding a message of `messageSize` bytes.
    static func size(typeID: Int32, messageSize: Int) -> Int {
        // Each of the four keys is one byte.
        4 + WireWriter.varintSize(UInt64(UInt32(bitPattern: typeID))) + WireWriter.varintSize(UInt64(messageSize))
            + messageSize
    }
}
