import NIOCore
import Recording
import Tap

/// The HTTP/1.1 start of a connection that asks to become HTTP/2 in the clear (`Upgrade: h2c`, RFC 7540
/// section 3.2): the client's request head (and body), then the server's `101 Switching Protocols`; from
/// there both directions are HTTP/2, the server's without a preface, and the request is stream 1.
///
/// A value-type state machine per connection: it takes each direction's bytes until its HTTP/1.1 part
/// is over, says what the request was (as ``TapEvent``s for stream 1 when it is a gRPC call), and hands
/// back the bytes that are HTTP/2. Held bytes are bounded by ``maximumHeadLength``.
struct H2CUpgrade {
    /// What one direction's bytes came to.
    enum Outcome {
        /// The HTTP/1.1 part is not over yet.
        case waiting
        /// The HTTP/1.1 part is over: these bytes (possibly none) and all later ones are HTTP/2.
        case http2(ByteBuffer)
        /// The connection stays HTTP/1.1, or is not readable: why.
        case notUpgraded(String)
    }

    /// The most bytes a request or response head may take.
    static let maximumHeadLength = 64 * 1024

    private let connection: Int
    private var clientHead: ByteBuffer?
    private var serverHead: ByteBuffer?
    /// Request body bytes still to come (after the head), and whether they are a gRPC call's.
    private var bodyLeft = 0
    private var recordsRequest = false
    private var clientUpgraded = false

    init(connection: Int) { self.connection = connection }

    /// Whether `chunk`, a client's first bytes, starts an HTTP/1.1 request.
    static func startsRequest(_ chunk: ByteBuffer) -> Bool {
        guard let word = chunk.getString(at: chunk.readerIndex, length: min(8, chunk.readableBytes)) else {
            return false
        }
        return ["GET ", "POST ", "PUT ", "HEAD ", "OPTIONS ", "DELETE ", "PATCH "].contains(where: word.hasPrefix)
    }

    /// Takes bytes the client sent; `events` gets stream 1's request when it is a gRPC call.
    mutating func client(_ bytes: ByteBuffer, time: Int64, into events: inout [TapEvent]) -> Outcome {
        var rest = bytes
        if !clientUpgraded {
            switch Self.head(&clientHead, adding: bytes) {
            case .none: return .waiting
            case .some(.failure(let problem)): return .notUpgraded(problem.message)
            case .some(.success(let (lines, after))):
                if let problem = request(lines, time: time, into: &events) { return .notUpgraded(problem) }
                clientUpgraded = true
                rest = after
            }
        }
        if bodyLeft > 0 {
            guard let body = rest.readSlice(length: min(bodyLeft, rest.readableBytes)) else { return .waiting }
            bodyLeft -= body.readableBytes
            if recordsRequest, body.readableBytes > 0 {
                events.append(.data(connection: connection, stream: 1, direction: .request, bytes: body, time: time))
            }
            if bodyLeft > 0 { return .waiting }
        }
        if recordsRequest {
            // The request is whole: its stream is half-closed, as the upgrade's stream 1 always is.
            events.append(.halfClose(connection: connection, stream: 1, time: time))
            recordsRequest = false
        }
        return .http2(rest)
    }

    /// Takes bytes the server sent.
    mutating func server(_ bytes: ByteBuffer) -> Outcome {
        switch Self.head(&serverHead, adding: bytes) {
        case .none: return .waiting
        case .some(.failure(let problem)): return .notUpgraded(problem.message)
        case .some(.success(let (lines, after))):
            let status = lines.first ?? ""
            guard status.hasPrefix("HTTP/1.1 101") || status.hasPrefix("HTTP/1.0 101") else {
                return .notUpgraded("HTTP/1.1 (the server answered the upgrade to h2c with \"\(status)\")")
            }
            return .http2(after)
        }
    }

    /// The request head's lines: stream 1's headers if it is a gRPC call; nil, or why the connection is
    /// not read.
    private mutating func request(_ lines: [Substring], time: Int64, into events: inout [TapEvent]) -> String? {
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count == 3 else { return "HTTP/1.1 (a request line that does not parse)" }
        var fields: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields.append(
                (
                    line[..<colon].lowercased(),
                    String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
                ))
        }
        func values(_ name: String) -> [String] {
            fields.filter { $0.name == name }.flatMap { $0.value.split(separator: ",") }.map {
                $0.trimmingPrefix(" ").lowercased()
            }
        }
        guard values("upgrade").contains("h2c") else {
            return "HTTP/1.1 (no upgrade to h2c)"
        }
        guard values("transfer-encoding").isEmpty else {
            return "HTTP/1.1 (an upgrade to h2c whose request body is chunked; not decoded)"
        }
        bodyLeft = fields.first { $0.name == "content-length" }.flatMap { Int($0.value) } ?? 0
        // The upgrade request is the call on stream 1 only when it is gRPC (nghttp upgrades with OPTIONS *
        // and sends its calls on later streams).
        guard requestLine[0] == "POST",
            fields.contains(where: { $0.name == "content-type" && $0.value.hasPrefix("application/grpc") })
        else { return nil }
        recordsRequest = true
        var headers = HeaderFields()
        headers.add(name: ":method", value: String(requestLine[0]))
        headers.add(name: ":scheme", value: "http")
        headers.add(name: ":path", value: String(requestLine[1]))
        if let host = fields.first(where: { $0.name == "host" }) { headers.add(name: ":authority", value: host.value) }
        let connectionOnly: Set<String> = [
            "host", "connection", "upgrade", "http2-settings", "keep-alive", "proxy-connection", "content-length",
        ]
        for field in fields where !connectionOnly.contains(field.name) {
            headers.add(name: field.name, value: field.value)
        }
        events.append(.requestHeaders(connection: connection, stream: 1, headers: headers, time: time))
        return nil
    }

    /// Adds `bytes` to `held` until it holds a whole head: its lines and the bytes after it; nil while it
    /// is not whole.
    private static func head(
        _ held: inout ByteBuffer?, adding bytes: ByteBuffer
    ) -> Result<([Substring], ByteBuffer), HeadProblem>? {
        var buffer = bytes
        if var earlier = held {
            earlier.writeImmutableBuffer(bytes)
            buffer = earlier
        }
        let view = buffer.readableBytesView
        guard let end = view.firstRange(of: [13, 10, 13, 10]) else {
            if buffer.readableBytes > maximumHeadLength {
                return .failure(HeadProblem("HTTP/1.1 (a head over \(maximumHeadLength) bytes)"))
            }
            held = buffer
            return nil
        }
        held = nil
        let length = end.upperBound - view.startIndex
        let text = buffer.readString(length: length) ?? ""
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
        return .success((lines, buffer))
    }

    struct HeadProblem: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }
}
