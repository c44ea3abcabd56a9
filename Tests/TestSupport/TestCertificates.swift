import Crypto
import Foundation
import SwiftASN1
import X509

/// A private PKI made at test time: a CA, a server certificate for `127.0.0.1` and `localhost`, and a
/// client certificate, all signed by the CA, written as PEM files to a temporary directory.
///
/// ```swift
/// let pki = try TestCertificates()
/// // pki.caPEM, pki.serverCertificatePEM, pki.serverKeyPEM, pki.clientCertificatePEM, pki.clientKeyPEM
/// // pki.file("ca.pem"), pki.file("server.pem"), ... for peers that read files
/// ```
public final class TestCertificates: Sendable {
    /// The CA certificate.
    public let caPEM: String
    /// The server certificate (SANs: `localhost`, `127.0.0.1`, `::1`).
    public let serverCertificatePEM: String
    /// The server's private key (PKCS#8).
    public let serverKeyPEM: String
    /// The client certificate (CN `reprise-test-client`).
    public let clientCertificatePEM: String
    /// The client's private key (PKCS#8).
    public let clientKeyPEM: String
    /// A second CA that signed nothing here: trusting only it makes verification fail.
    public let unrelatedCAPEM: String
    /// The directory holding `ca.pem`, `server.pem`, `server.key`, `client.pem`, `client.key`, `other-ca.pem`.
    public let directory: TemporaryDirectory

    /// Makes the CA and the certificates, and writes them.
    public init() throws {
        let ca = try Self.makeCA(name: "Reprise Test CA")
        let other = try Self.makeCA(name: "Unrelated Test CA")
        let server = try Self.makeLeaf(
            name: "localhost", issuer: ca,
            alternativeNames: [.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))],
            usage: .serverAuth)
        let client = try Self.makeLeaf(
            name: "reprise-test-client", issuer: ca, alternativeNames: [], usage: .clientAuth)
        caPEM = try ca.certificate.serializeAsPEM().pemString
        unrelatedCAPEM = try other.certificate.serializeAsPEM().pemString
        serverCertificatePEM = try server.certificate.serializeAsPEM().pemString
        serverKeyPEM = try server.key.serializeAsPEM().pemString
        clientCertificatePEM = try client.certificate.serializeAsPEM().pemString
        clientKeyPEM = try client.key.serializeAsPEM().pemString
        directory = try TemporaryDirectory(prefix: "reprise-pki")
        try directory.write("ca.pem", caPEM)
        try directory.write("other-ca.pem", unrelatedCAPEM)
        try directory.write("server.pem", serverCertificatePEM)
        try directory.write("server.key", serverKeyPEM)
        try directory.write("client.pem", clientCertificatePEM)
        try directory.write("client.key", clientKeyPEM)
    }

    /// The path of one of the written files.
    public func file(_ name: String) -> String { directory.path(name).path }

    private struct Issued {
        var certificate: Certificate
        var key: Certificate.PrivateKey
    }

    private enum Usage { case serverAuth, clientAuth }

    private static func makeCA(name: String) throws -> Issued {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName { CommonName(name) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86400 * 30),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key)
        return Issued(certificate: certificate, key: key)
    }

    private static func makeLeaf(
        name: String, issuer: Issued, alternativeNames: [GeneralName], usage: Usage
    ) throws -> Issued {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86400 * 30),
            issuer: issuer.certificate.subject, subject: try DistinguishedName { CommonName(name) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([usage == .serverAuth ? .serverAuth : .clientAuth])
                if !alternativeNames.isEmpty { SubjectAlternativeNames(alternativeNames) }
                try AuthorityKeyIdentifier(
                    keyIdentifier: issuer.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: issuer.key)
        return Issued(certificate: certificate, key: key)
    }
}
