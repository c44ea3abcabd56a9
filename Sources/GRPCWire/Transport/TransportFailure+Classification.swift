import Foundation
import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension TransportFailure {
    /// Classifies an error from NIO, swift-nio-ssl or swift-nio-http2 into k6's categories, with a message
    /// that names `target` and suggests what to check.
    public static func classify(_ error: any Error, target: String, connectTimeout: TimeAmount? = nil)
        -> TransportFailure
    {
        switch error {
        case let failure as TransportFailure:
            return failure
        case let connection as NIOConnectionError:
            if connection.connectionErrors.isEmpty, let dns = connection.dnsAError ?? connection.dnsAAAAError {
                return TransportFailure(
                    .dnsLookup, "cannot resolve \"\(connection.host)\" (\(dns)): check the host name",
                    isSafeToRetry: true)
            }
            if let first = connection.connectionErrors.first {
                return classify(first.error, target: target, connectTimeout: connectTimeout)
            }
            return TransportFailure(.dial, "cannot connect to \(target): \(connection)", isSafeToRetry: true)
        case ChannelError.connectTimeout(let amount):
            return dialTimeout(target: target, after: amount)
        case let io as IOError:
            return classify(errno: io.errnoCode, description: "\(io)", target: target)
        case let ssl as NIOSSLError:
            return classify(ssl: ssl, target: target)
        case let extra as NIOSSLExtraError where extra == .failedToValidateHostname:
            return TransportFailure(
                .tlsHostnameMismatch,
                "TLS handshake with \(target) failed: x509: certificate doesn't match the host name (\(extra))")
        case let extra as NIOSSLExtraError:
            return TransportFailure(.tls, "TLS with \(target) failed: \(extra)")
        case let violation as HTTP2ProtocolViolation:
            return TransportFailure(
                .connectionError, "HTTP/2 connection to \(target) failed: \(violation.reason)",
                http2ErrorCode: violation.code)
        case let closed as ClosedDuringSetup:
            return TransportFailure(
                closed.plaintext ? .plaintextClosedDuringSetup : .connectionClosed, closed.message(target: target),
                isSafeToRetry: true)
        default:
            if error is any NIOHTTP2Error || "\(type(of: error))".contains("HTTP2") || "\(error)".contains("HTTP2") {
                return TransportFailure(
                    .connectionError, "HTTP/2 connection to \(target) failed: \(http2Problem(error))",
                    http2ErrorCode: .protocolError)
            }
            return TransportFailure(.connectionError, "connection to \(target) failed: \(error)")
        }
    }

    /// A swift-nio-http2 error in words: what it means where that is known (bytes that are not frames: an
    /// HTTP/1.1 server, or TLS where plaintext was expected), else its name as words with its details, never
    /// the type dump with the library's file and line.
    static func http2Problem(_ error: any Error) -> String {
        let name = String(describing: type(of: error))
        if name == "UnableToParseFrame" || name == "BadFrameHeader" || name == "ExcessivelyLargeHeaderBlock" {
            return "the server's bytes are not HTTP/2 frames: is it a gRPC (HTTP/2) server?"
        }
        var text = "\(error)"
        // `Name(detail: 1, file: "NIOHTTP2/X.swift", line: 42)`: the details stay, the source location goes.
        for pattern in [#", file: "[^"]*", line: \d+"#, #"file: "[^"]*", line: \d+"#] {
            text = text.replacingOccurrences(of: pattern, with: "", options: .regularExpression)
        }
        text = text.replacingOccurrences(of: "()", with: "")
        guard text.hasPrefix(name) else { return text }
        // Words at each capital that starts one: `InvalidStreamIDForPeer` is "invalid stream id for peer".
        let letters = Array(name)
        var words = ""
        for (index, character) in letters.enumerated() {
            let startsWord =
                index > 0 && character.isUppercase
                && (letters[index - 1].isLowercase
                    || (index + 1 < letters.count && letters[index + 1].isLowercase && letters[index - 1].isUppercase))
            if startsWord { words.append(" ") }
            words.append(Character(character.lowercased()))
        }
        return words + text.dropFirst(name.count)
    }

    static func dialTimeout(target: String, after amount: TimeAmount) -> TransportFailure {
        TransportFailure(
            .dialTimeout,
            "connecting to \(target) timed out after \(Self.describe(amount)): the host may be unreachable, "
                + "or the server does not speak HTTP/2 on that port",
            isSafeToRetry: true)
    }

    private static func classify(errno: CInt, description: String, target: String) -> TransportFailure {
        switch errno {
        case ECONNREFUSED:
            return TransportFailure(
                .connectionRefused,
                "connection refused by \(target): nothing listens there; check the address and that the server runs",
                isSafeToRetry: true)
        case ECONNRESET:
            return TransportFailure(.connectionReset, "the connection to \(target) was reset by the peer")
        case EPIPE:
            return TransportFailure(.brokenPipe, "writing to \(target) failed: broken pipe (the peer closed)")
        case ETIMEDOUT:
            return TransportFailure(
                .dialTimeout, "connecting to \(target) timed out: \(description)", isSafeToRetry: true)
        case EMFILE, ENFILE:
            let whose = errno == EMFILE ? "this process has" : "the system has"
            return TransportFailure(
                .dial,
                "cannot open a connection to \(target): \(whose) as many files open as it may (each connection "
                    + "is one; see ulimit -n)")
        case EADDRNOTAVAIL:
            return TransportFailure(
                .dial,
                "cannot open a connection to \(target): this machine has no local port free for it (ports of "
                    + "connections closed in the last minute wait in TIME_WAIT; see net.ipv4.ip_local_port_range)",
                isSafeToRetry: true)
        case ENETUNREACH, EHOSTUNREACH:
            return TransportFailure(.dial, "cannot reach \(target): \(description)", isSafeToRetry: true)
        default:
            return TransportFailure(.dial, "connection to \(target) failed: \(description)")
        }
    }

    private static func classify(ssl: NIOSSLError, target: String) -> TransportFailure {
        let text = "\(ssl)"
        if case .uncleanShutdown = ssl {
            return TransportFailure(.connectionClosed, "\(target) closed the TLS connection without close_notify")
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return TransportFailure(
                .tlsUnknownAuthority,
                "TLS handshake with \(target) failed: x509: certificate signed by unknown authority")
        }
        if text.contains("WRONG_VERSION_NUMBER") {
            return TransportFailure(
                .tlsNotSpoken, "TLS handshake with \(target) failed: the server does not speak TLS there")
        }
        return TransportFailure(.tls, "TLS handshake with \(target) failed: \(text)")
    }

    static func describe(_ amount: TimeAmount) -> String {
        let nanoseconds = amount.nanoseconds
        if nanoseconds % 1_000_000_000 == 0 { return "\(nanoseconds / 1_000_000_000)s" }
        return "\(nanoseconds / 1_000_000)ms"
    }
}

/// The connection closed before it was ready (no TLS handshake end, no SETTINGS from the server).
struct ClosedDuringSetup: Error {
    var stage: String
    /// Whether the connection was plaintext (h2c): then a server that expects TLS is the likely cause.
    var plaintext: Bool
    func message(target: String) -> String {
        plaintext
            ? "\(target) closed the connection \(stage): it may expect TLS there, or not be a gRPC (HTTP/2) server"
            : "\(target) closed the connection \(stage): it may not be a gRPC (HTTP/2) server"
    }
}
