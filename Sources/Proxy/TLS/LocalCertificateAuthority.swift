import Crypto
import Foundation
import GRPCWire
import LocalFile
import SwiftASN1
import X509

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A certificate authority Reprise makes for itself and keeps in a directory (`ca.pem`, and `ca.key`
/// readable only by its owner), so the proxy can serve TLS to clients that were told to trust it.
///
/// ```swift
/// let ca = try LocalCertificateAuthority.loadOrCreate(directory: "~/.reprise/ca")
/// configuration.downstreamTLS = try ca.serverTLS(names: ["localhost", "127.0.0.1"])
/// print("trust \(ca.certificatePath)")
/// ```
public struct LocalCertificateAuthority: Sendable {
    /// The directory holding `ca.pem` and `ca.key`.
    public let directory: String
    /// The CA certificate, PEM.
    public let certificatePEM: String
    /// Whether this call made the CA (rather than loading it).
    public let wasCreated: Bool
    private let certificate: Certificate
    private let key: Certificate.PrivateKey

    /// The path of the CA certificate clients must trust.
    public var certificatePath: String { (directory as NSString).appendingPathComponent("ca.pem") }
    /// The path of the CA's private key (mode 0600).
    public var keyPath: String { (directory as NSString).appendingPathComponent("ca.key") }

    /// Loads the CA in `directory`, or makes one there (the directory 0700, the key 0600) when there is none.
    public static func loadOrCreate(directory: String) throws -> LocalCertificateAuthority {
        let directory = LocalFile.expandingHome(directory)
        let certificatePath = (directory as NSString).appendingPathComponent("ca.pem")
        let keyPath = (directory as NSString).appendingPathComponent("ca.key")
        let manager = FileManager.default
        if manager.fileExists(atPath: certificatePath), manager.fileExists(atPath: keyPath) {
            let certificatePEM = try String(contentsOfFile: certificatePath, encoding: .utf8)
            let keyPEM = try String(contentsOfFile: keyPath, encoding: .utf8)
            do {
                let certificate = try Certificate(pemEncoded: certificatePEM)
                let key = try Certificate.PrivateKey(pemEncoded: keyPEM)
                guard key.publicKey == certificate.publicKey else {
                    throw CertificateAuthorityError("\(keyPath) is not the key of \(certificatePath)")
                }
                return LocalCertificateAuthority(
                    directory: directory, certificatePEM: certificatePEM, wasCreated: false, certificate: certificate,
                    key: key)
            } catch let error as CertificateAuthorityError {
                throw error
            } catch {
                throw CertificateAuthorityError(
                    "cannot read the local CA in \(directory) (\(error)); remove ca.pem and ca.key to make a new one")
            }
        }
        try manager.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName {
            OrganizationName("Reprise")
            CommonName("Reprise local CA (\(ProcessInfo.processInfo.hostName))")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400 * 825),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key)
        let certificatePEM = try certificate.serializeAsPEM().pemString
        try writeFile(keyPath, try key.serializeAsPEM().pemString, mode: 0o600)
        try writeFile(certificatePath, certificatePEM, mode: 0o644)
        return LocalCertificateAuthority(
            directory: directory, certificatePEM: certificatePEM, wasCreated: true, certificate: certificate, key: key)
    }

    /// A server certificate for `names` (DNS names and IP addresses), signed by this CA, valid for a week,
    /// as the TLS configuration of the proxy's client side. It lives in memory only.
    public func serverTLS(names: [String]) throws -> ServerTLSConfiguration {
        let leafKey = Certificate.PrivateKey(P256.Signing.PrivateKey())
        var alternativeNames: [GeneralName] = []
        for name in names {
            if let bytes = Self.ipAddressBytes(name) {
                alternativeNames.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
            } else {
                alternativeNames.append(.dnsName(name))
            }
        }
        let now = Date()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: leafKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(86400 * 7),
            issuer: certificate.subject, subject: try DistinguishedName { CommonName(names.first ?? "localhost") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(alternativeNames)
                try AuthorityKeyIdentifier(keyIdentifier: certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: key)
        return ServerTLSConfiguration(
            certificateChainPEM: try leaf.serializeAsPEM().pemString,
            privateKeyPEM: try leafKey.serializeAsPEM().pemString)
    }

    private static func ipAddressBytes(_ text: String) -> [UInt8]? {
        // Plain byte arrays rather than in_addr/in6_addr, whose zero initializers come from a different
        // module on Linux in release builds.
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        let trimmed = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        if inet_pton(AF_INET6, trimmed, &v6) == 1 { return v6 }
        return nil
    }

    private static func writeFile(_ path: String, _ text: String, mode: mode_t) throws {
        // Created with its final mode, never readable by others even for a moment.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw CertificateAuthorityError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        fchmod(fd, mode)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            guard written > 0 else {
                throw CertificateAuthorityError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}

/// The local CA could not be made or read.
public struct CertificateAuthorityError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}
