import NIOCore
import NIOSSL
import NIOTLS

/// Checks what TLS settled once the handshake completes: that ALPN chose `h2` (a server falling back to
/// HTTP/1.1 would otherwise fail later with a confusing preface error), and, when a host *name* is
/// expected, that the certificate lists it.
///
/// The name check is done here rather than by swift-nio-ssl because swift-nio-ssl also accepts a
/// certificate whose IP address matches the socket's, whatever name was asked for; Go (and so k6) checks
/// only the name, so an `authority` override that the certificate does not list must fail.
final class TLSHandshakeCheckHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let target: String
    private let expectedName: String?
    /// A check failed: what the server sent with its handshake (TLS 1.3 servers send their SETTINGS at
    /// once) goes no further, up a pipeline that is closing.
    private var failed = false

    init(target: String, expectedName: String?) {
        self.target = target
        self.expectedName = expectedName
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let negotiated) = event as? TLSUserEvent {
            if let negotiated, negotiated != "h2" {
                fail(
                    context: context,
                    TransportFailure(
                        .tls, "\(target) negotiated \"\(negotiated)\" by ALPN instead of h2: it is not a gRPC server"))
                return
            }
            if let expectedName {
                let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate()
                guard let certificate, HostnameMatcher.certificate(certificate, matches: expectedName) else {
                    let names = certificate.map(HostnameMatcher.dnsNames) ?? []
                    // Go's wording (crypto/x509 HostnameError), which k6 users know.
                    let problem =
                        names.isEmpty
                        ? "certificate is not valid for any names, but wanted to match \(expectedName)"
                        : "certificate is valid for \(names.joined(separator: ", ")), not \(expectedName)"
                    fail(
                        context: context,
                        TransportFailure(.tlsHostnameMismatch, "TLS handshake with \(target) failed: x509: \(problem)"))
                    return
                }
            }
            // Passed on before leaving: a removed handler's context reaches no one.
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !failed { context.fireChannelRead(data) }
    }

    private func fail(context: ChannelHandlerContext, _ failure: TransportFailure) {
        failed = true
        context.fireErrorCaught(failure)
        context.close(promise: nil)
    }
}

/// RFC 6125 name matching against the DNS names of a certificate's subjectAltName, as Go does it:
/// case-insensitive, a wildcard only as the whole left-most label, no fallback to the common name.
enum HostnameMatcher {
    /// The certificate's DNS names, as it lists them.
    static func dnsNames(_ certificate: NIOSSLCertificate) -> [String] {
        certificate._subjectAlternativeNames().filter { $0.nameType == .dnsName }.map {
            String(decoding: Array($0.contents), as: UTF8.self)
        }
    }

    static func certificate(_ certificate: NIOSSLCertificate, matches name: String) -> Bool {
        let wanted = Array(name.lowercased().utf8.drop { $0 == 0 }).trimmingTrailingDot()
        return dnsNames(certificate).contains {
            matches(pattern: Array($0.lowercased().utf8).trimmingTrailingDot(), name: wanted)
        }
    }

    static func matches(pattern: [UInt8], name: [UInt8]) -> Bool {
        if pattern == name { return true }
        guard pattern.count > 2, pattern[0] == UInt8(ascii: "*"), pattern[1] == UInt8(ascii: ".") else { return false }
        guard let firstDot = name.firstIndex(of: UInt8(ascii: ".")), firstDot > 0 else { return false }
        return Array(name[firstDot...]) == Array(pattern[1...])
    }
}

extension Array where Element == UInt8 {
    fileprivate func trimmingTrailingDot() -> [UInt8] {
        last == UInt8(ascii: ".") ? Array(dropLast()) : self
    }
}
