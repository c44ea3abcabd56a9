import GRPCProtocol
import NIOHPACK

/// What a response header block means for a call, decided from the headers alone (no I/O), following the
/// rules grpc-go applies so Reprise reports the same status for the same bytes.
enum ResponseHead: Equatable {
    /// Response headers: the call goes on with these metadata and this message encoding.
    case headers(Metadata, encoding: EncodingName)
    /// The call is over: the status, the trailing metadata (for a trailers-only response, all metadata).
    case end(GRPCStatus, trailers: Metadata)

    /// The `grpc-encoding` named by the response, if any.
    enum EncodingName: Equatable {
        case identity
        case supported(CompressionAlgorithm)
        case unsupported(String)
    }

    /// Reads the first header block of a response; `endStream` marks a trailers-only response.
    static func initial(_ headers: HPACKHeaders, endStream: Bool) -> ResponseHead {
        var contentTypeError: String? = "malformed header: missing HTTP content-type"
        if let contentType = headers.first(name: "content-type") {
            contentTypeError =
                ContentType.isGRPC(contentType)
                ? nil : "transport: received unexpected content-type \"\(contentType)\""
        }
        guard let statusText = headers.first(name: ":status") else {
            let message = ["malformed header: missing HTTP status", contentTypeError].compactMap { $0 }
            return .end(GRPCStatus(code: .internalError, message: message.joined(separator: "; ")), trailers: [:])
        }
        guard let httpStatus = Int(statusText) else {
            return .end(
                GRPCStatus(code: .internalError, message: "transport: malformed http-status: \(statusText)"),
                trailers: [:])
        }
        if httpStatus != 200 {
            return .end(.fromHTTP(status: httpStatus, reasonSuffix: contentTypeError), trailers: [:])
        }
        if let contentTypeError {
            return .end(GRPCStatus(code: .unknown, message: contentTypeError), trailers: [:])
        }
        if endStream { return trailers(headers) }
        switch Metadata.received(from: headers) {
        case .failure(let error):
            return .end(GRPCStatus(code: .internalError, message: error.message), trailers: [:])
        case .success(let metadata):
            return .headers(metadata, encoding: encodingName(headers.first(name: "grpc-encoding")))
        }
    }

    /// Reads trailers (or the whole of a trailers-only response once its HTTP checks passed).
    static func trailers(_ headers: HPACKHeaders) -> ResponseHead {
        let metadata: Metadata
        switch Metadata.received(from: headers) {
        case .failure(let error):
            return .end(GRPCStatus(code: .internalError, message: error.message), trailers: [:])
        case .success(let decoded):
            metadata = decoded
        }
        guard let statusText = headers.first(name: "grpc-status") else {
            return .end(GRPCStatus(code: .unknown, message: "missing grpc-status in the trailers"), trailers: metadata)
        }
        guard let rawCode = Int32(statusText), rawCode >= 0 else {
            return .end(
                GRPCStatus(code: .internalError, message: "transport: malformed grpc-status: \"\(statusText)\""),
                trailers: metadata)
        }
        var status = GRPCStatus(
            code: StatusCode(rawValue: Int(rawCode)),
            message: headers.first(name: "grpc-message").map(PercentEncoding.decode) ?? "")
        if let detailsText = headers.first(name: "grpc-status-details-bin") {
            guard let bytes = Base64.decode(detailsText, options: .binaryMetadata),
                let details = try? RPCStatus(serializedBytes: bytes)
            else {
                return .end(
                    GRPCStatus(code: .internalError, message: "transport: malformed grpc-status-details-bin"),
                    trailers: metadata)
            }
            status.details = details
        }
        return .end(status, trailers: metadata)
    }

    static func encodingName(_ value: String?) -> EncodingName {
        guard let value, value != "identity" else { return .identity }
        if let algorithm = CompressionAlgorithm(named: value) { return .supported(algorithm) }
        return .unsupported(value)
    }
}

/// The `content-type` values gRPC accepts: `application/grpc` optionally followed by `+subtype` or `;params`.
enum ContentType {
    static let grpc = "application/grpc"

    static func isGRPC(_ value: String) -> Bool {
        if value == grpc { return true }  // the usual case, without lower-casing a copy
        let lowered = value.lowercased()
        guard lowered.hasPrefix(grpc) else { return false }
        let rest = lowered.utf8.dropFirst(grpc.utf8.count)
        guard let next = rest.first else { return true }
        return next == UInt8(ascii: "+") || next == UInt8(ascii: ";")
    }
}
