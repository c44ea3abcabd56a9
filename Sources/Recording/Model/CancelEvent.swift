/// The client reset the stream (an RST_STREAM from the client), at the moment it did, in order with the
/// call's other events; the call's `end` event follows with outcome `reset` by the client.
public struct CancelEvent: Sendable, Hashable {
    /// Nanoseconds since the recording started.
    public var time: Int64
    /// The call id.
    public var call: Int
    /// The HTTP/2 error code of the RST_STREAM (8 is CANCEL).
    public var errorCode: UInt32

    /// An event from all its fields.
    public init(time: Int64, call: Int, errorCode: UInt32) {
        self.time = time
        self.call = call
        self.errorCode = errorCode
    }
}
