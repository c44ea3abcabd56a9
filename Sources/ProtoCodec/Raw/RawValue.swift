/// The value of a ``RawField``, by wire type.
public indirect enum RawValue: Sendable, Equatable {
    /// Wire type 0.
    case varint(UInt64)
    /// Wire type 1.
    case fixed64(UInt64)
    /// Wire type 5.
    case fixed32(UInt32)
    /// Wire type 2 holding bytes that parse as a message.
    case message(RawMessage)
    /// Wire type 2 holding UTF-8 text.
    case string(String)
    /// Wire type 2 holding other bytes.
    case bytes([UInt8])
    /// Wire types 3 and 4: a group and its fields.
    case group(RawMessage)
}
