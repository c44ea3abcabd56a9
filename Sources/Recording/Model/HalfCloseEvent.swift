/// The client ended its request side (END_STREAM on its DATA or HEADERS frame): it sends no more messages.
public struct HalfCloseEvent: Sendable, Hashable {
    /// Nanoseconds since the recording started.
    public var time: Int64
    /// The call id.
    public var call: Int

    /// An event from all its fields.
    public init(time: Int64, call: Int) {
        self.time = time
        self.call = call
    }
}
