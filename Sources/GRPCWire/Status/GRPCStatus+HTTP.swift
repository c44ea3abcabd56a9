import GRPCProtocol

extension GRPCStatus {
    /// The status for a response whose HTTP status is not 200, worded as grpc-go words it.
    static func fromHTTP(status: Int, reasonSuffix: String?) -> GRPCStatus {
        var message = "unexpected HTTP status code received from server: \(status) (\(httpReasonPhrase(status)))"
        if let reasonSuffix { message += "; " + reasonSuffix }
        return GRPCStatus(code: StatusCode(httpStatus: status), message: message)
    }
}

/// The reason phrase Go's `http.StatusText` gives, for the statuses a gRPC client meets in practice.
func httpReasonPhrase(_ status: Int) -> String {
    switch status {
    case 200: return "OK"
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 405: return "Method Not Allowed"
    case 408: return "Request Timeout"
    case 413: return "Request Entity Too Large"
    case 415: return "Unsupported Media Type"
    case 429: return "Too Many Requests"
    case 500: return "Internal Server Error"
    case 501: return "Not Implemented"
    case 502: return "Bad Gateway"
    case 503: return "Service Unavailable"
    case 504: return "Gateway Timeout"
    default: return "status \(status)"
    }
}
