import GRPCWire
import Metrics
import NIOCore

/// A unary call made ready once: method resolved, request encoded, options and metric series built. Start
/// it any number of times (`Client.start`, `Client.invoke(_:)`); swap the request bytes with
/// `withRequest` to replay recorded requests without resolving anything again.
///
/// A prepared call belongs to the address it was prepared for: start it on clients connected there.
public struct PreparedCall: Sendable {
    /// The method.
    public let method: RPCMethod
    /// The encoded request message.
    public var request: ByteBuffer
    /// The wire options: metadata, deadline, size limits, compression.
    public let options: CallOptions
    let series: CallSeries?
    let renderer: ResponseRenderer
    let discardResponseMessage: Bool
    let responseFormat: ResponseFormat

    /// The same call with other request bytes (already protobuf-encoded for this method).
    public func withRequest(_ bytes: ByteBuffer) -> PreparedCall {
        var copy = self
        copy.request = bytes
        return copy
    }
}

extension Client {
    /// Resolves `url`, encodes `request` and builds the call's options and series, with `invoke`'s checks
    /// and k6's errors (not connected, unknown method, bad request). The timeout defaults to 2 minutes.
    public func prepare(_ url: String, request: Request, params: CallParams = CallParams()) throws(EngineError)
        -> PreparedCall
    {
        let (session, schema) = try currentSession()
        let method = try schema.method(url)
        return try prepare(method, request: request, params: params, session: session, schema: schema)
    }

    func prepare(
        _ method: RPCMethod, request: Request, params: CallParams, session: Session, schema: ClientSchema,
        defaultTimeout: Duration? = CallParams.defaultInvokeTimeout
    ) throws(EngineError) -> PreparedCall {
        let bytes = try request.encoded(as: method.inputType)
        return PreparedCall(
            method: method, request: bytes,
            options: callOptions(params, session: session, defaultTimeout: defaultTimeout),
            series: callSeries(for: method, session: session, tags: params.tags),
            renderer: ResponseRenderer(registry: schema.registry),
            discardResponseMessage: params.discardResponseMessage, responseFormat: params.responseFormat)
    }

    func callOptions(_ params: CallParams, session: Session, defaultTimeout: Duration?) -> CallOptions {
        var options = CallOptions()
        options.metadata = params.metadata
        if let timeout = params.timeout, timeout > .zero {
            options.timeout = .nanoseconds(timeout.nanosecondsClamped)
        } else if let defaultTimeout {
            options.timeout = .nanoseconds(defaultTimeout.nanosecondsClamped)
        }
        options.maxReceiveMessageSize = session.maxReceiveSize
        options.maxSendMessageSize = session.maxSendSize
        options.compression = params.compression
        return options
    }
}
