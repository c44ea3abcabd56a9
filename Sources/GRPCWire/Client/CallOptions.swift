import NIOCore

/// Per-call settings: metadata, deadline, message size limits, compression and flow control.
public struct CallOptions: Sendable {
    /// Metadata sent with the request headers (reserved keys such as `content-type` are ignored).
    public var metadata: Metadata = [:]
    /// The deadline, relative to the call's creation; sent as `grpc-timeout` and enforced locally.
    public var timeout: TimeAmount?
    /// The largest response message accepted, in bytes (grpc-go's default is 4 MiB).
    public var maxReceiveMessageSize: Int = 4 * 1024 * 1024
    /// The largest request message sent, in bytes (grpc-go's default is `Int32.max`).
    public var maxSendMessageSize: Int = Int(Int32.max)
    /// Compresses request messages with this algorithm (and says so in `grpc-encoding`).
    public var compression: CompressionAlgorithm?
    /// When true, the stream's receive window is only given back when `ClientCall.releaseReceiveWindow`
    /// is called: end-to-end flow control for a proxy. Otherwise it is given back as messages arrive.
    public var manualFlowControl = false
    /// The call's `user-agent`, in place of the connection's (a replay sends the one its recorded client
    /// sent). Nil sends the connection's.
    public var userAgent: String?

    /// The defaults: no metadata, no deadline, grpc-go's size limits, no compression.
    public static var defaults: CallOptions { CallOptions() }

    /// The defaults changed by `configure`.
    public static func defaults(_ configure: (inout CallOptions) -> Void) -> CallOptions {
        var options = CallOptions()
        configure(&options)
        return options
    }

    /// Options with the defaults.
    public init() {}
}
