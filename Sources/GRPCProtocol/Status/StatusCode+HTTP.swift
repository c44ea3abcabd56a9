extension StatusCode {
    /// The gRPC code for an HTTP response that carries no usable `grpc-status`, following gRPC's
    /// "HTTP to gRPC Status Code Mapping" (doc/http-grpc-status-mapping.md), as grpc-go applies it.
    public init(httpStatus: Int) {
        switch httpStatus {
        case 400: self = .internalError
        case 401: self = .unauthenticated
        case 403: self = .permissionDenied
        case 404: self = .unimplemented
        case 429, 502, 503, 504: self = .unavailable
        default: self = .unknown
        }
    }
}
