import NIOCore
import NIOSSL

/// Builds swift-nio-ssl contexts from the wire configurations, turning PEM problems into messages that say
/// which input was wrong (k6's wording where k6 has one).
enum TLSContexts {
    /// `checksNameItself`: the handshake check handler verifies the host name, so swift-nio-ssl only
    /// verifies the chain.
    static func client(_ configuration: ClientTLSConfiguration, checksNameItself: Bool) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.applicationProtocols = ["h2"]
        // Closing waits this long for the peer's close_notify; gRPC servers often never send one.
        tls.shutdownTimeout = .milliseconds(100)
        tls.trustRoots = configuration.trustSystemRoots ? .default : .certificates([])
        var extraRoots: [NIOSSLCertificate] = []
        for (index, pem) in configuration.caCertificatesPEM.enumerated() {
            guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)), !certificates.isEmpty else {
                throw ConfigurationError.invalid(
                    "failed to append ca certificate [\(index)] from PEM: the text holds no PEM certificate")
            }
            extraRoots += certificates
        }
        if !extraRoots.isEmpty {
            if configuration.trustSystemRoots {
                tls.additionalTrustRoots = [.certificates(extraRoots)]
            } else {
                tls.trustRoots = .certificates(extraRoots)
            }
        }
        switch configuration.verification {
        case .full: tls.certificateVerification = checksNameItself ? .noHostnameVerification : .fullVerification
        case .skipHostname: tls.certificateVerification = .noHostnameVerification
        case .skip: tls.certificateVerification = .none
        }
        if let chain = configuration.certificateChainPEM, let key = configuration.privateKeyPEM {
            tls.certificateChain = try certificateChain(chain, role: "client").map { .certificate($0) }
            tls.privateKey = .privateKey(try privateKey(key, password: configuration.privateKeyPassword))
        } else if (configuration.certificateChainPEM == nil) != (configuration.privateKeyPEM == nil) {
            throw ConfigurationError.invalid(
                "a client certificate needs both the certificate and the private key; one of them is missing")
        }
        return try makeContext(tls)
    }

    static func server(_ configuration: ServerTLSConfiguration) throws -> NIOSSLContext {
        let chain = try certificateChain(configuration.certificateChainPEM, role: "server")
        let key = try privateKey(configuration.privateKeyPEM, password: configuration.privateKeyPassword)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.applicationProtocols = ["h2"]
        tls.shutdownTimeout = .milliseconds(100)
        switch configuration.clientCertificates {
        case .none:
            tls.certificateVerification = .none
        case .optional, .required:
            var roots: [NIOSSLCertificate] = []
            for (index, pem) in configuration.trustedCAsPEM.enumerated() {
                guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)), !certificates.isEmpty
                else {
                    throw ConfigurationError.invalid(
                        "failed to append client ca certificate [\(index)] from PEM: the text holds no certificate")
                }
                roots += certificates
            }
            tls.trustRoots = roots.isEmpty ? .default : .certificates(roots)
            tls.certificateVerification =
                configuration.clientCertificates == .required ? .noHostnameVerification : .optionalVerification
        }
        return try makeContext(tls)
    }

    private static func certificateChain(_ pem: String, role: String) throws -> [NIOSSLCertificate] {
        do {
            let chain = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
            guard !chain.isEmpty else { throw NIOSSLError.failedToLoadCertificate }
            return chain
        } catch {
            throw ConfigurationError.invalid(
                "failed to append certificate from PEM: the \(role) certificate is not a PEM certificate (\(error))")
        }
    }

    private static func privateKey(_ pem: String, password: String?) throws -> NIOSSLPrivateKey {
        guard pem.contains("-----BEGIN") else {
            throw ConfigurationError.invalid("failed to decode PEM key: the private key is not PEM text")
        }
        do {
            if let password {
                return try NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem) { setter in
                    setter(Array(password.utf8))
                }
            }
            if pem.contains("ENCRYPTED") {
                throw ConfigurationError.invalid(
                    "the private key is encrypted: give its password (tls.password) to decrypt it")
            }
            return try NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            let reason =
                password != nil
                ? "x509: decryption password incorrect, or the key is not a supported PEM key"
                : "the key is not a supported PEM private key"
            throw ConfigurationError.invalid("failed to load the private key: \(reason) (\(error))")
        }
    }

    private static func makeContext(_ tls: TLSConfiguration) throws -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw ConfigurationError.invalid(
                "the TLS configuration was rejected: \(error); check that the key matches the certificate")
        }
    }
}
