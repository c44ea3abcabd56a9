/// What the recorder has done so far, for progress lines and the final summary.
public struct RecorderStatistics: Sendable, Hashable {
    /// Calls recorded (started).
    public var calls = 0
    /// Calls relayed but not recorded, because the method filter left them out.
    public var excludedCalls = 0
    /// Calls still open.
    public var openCalls = 0
    /// Messages recorded.
    public var messages = 0
    /// Bytes written to the recording.
    public var bytesWritten = 0
    /// How many times the recorder fell behind and paused reading from the network.
    public var pauses = 0

    /// All zero.
    public init() {}
}
