import Crypto

/// The AEAD cipher suites whose records can be decrypted with a key log: every TLS 1.3 suite and the
/// TLS 1.2 GCM and ChaCha20-Poly1305 suites (what gRPC clients and servers negotiate). CBC suites are
/// not supported.
struct TLSCipherSuite: Sendable, Hashable {
    enum Cipher: Sendable, Hashable {
        case aesGCM(keyLength: Int)
        case chaCha20Poly1305
    }

    enum Hash: Sendable, Hashable {
        case sha256, sha384

        var length: Int { self == .sha256 ? 32 : 48 }
    }

    let code: UInt16
    let cipher: Cipher
    let hash: Hash
    let isTLS13: Bool

    var keyLength: Int {
        switch cipher {
        case .aesGCM(let length): length
        case .chaCha20Poly1305: 32
        }
    }

    /// The IV derived from the secrets: 12 bytes, except TLS 1.2 GCM's 4-byte salt (the rest of the nonce
    /// travels in each record).
    var ivLength: Int {
        if !isTLS13, case .aesGCM = cipher { return 4 }
        return 12
    }

    /// The suite with this code, or nil when its records cannot be decrypted here.
    init?(code: UInt16) {
        let suite: (Cipher, Hash, Bool)
        switch code {
        case 0x1301: suite = (.aesGCM(keyLength: 16), .sha256, true)
        case 0x1302: suite = (.aesGCM(keyLength: 32), .sha384, true)
        case 0x1303: suite = (.chaCha20Poly1305, .sha256, true)
        case 0xC02B, 0xC02F, 0x009C, 0x009E: suite = (.aesGCM(keyLength: 16), .sha256, false)
        case 0xC02C, 0xC030, 0x009D, 0x009F: suite = (.aesGCM(keyLength: 32), .sha384, false)
        case 0xCCA8, 0xCCA9, 0xCCAA: suite = (.chaCha20Poly1305, .sha256, false)
        default: return nil
        }
        self.code = code
        (cipher, hash, isTLS13) = suite
    }
}

/// Key derivation from logged secrets: TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1) and TLS 1.2's PRF
/// (RFC 5246 §5).
enum TLSKeyDerivation {
    /// HKDF-Expand-Label(secret, label, "", length).
    static func expandLabel(_ secret: [UInt8], _ label: String, length: Int, hash: TLSCipherSuite.Hash) -> [UInt8] {
        let fullLabel = Array("tls13 \(label)".utf8)
        var info: [UInt8] = [UInt8(length >> 8), UInt8(length & 0xFF), UInt8(fullLabel.count)]
        info += fullLabel
        info.append(0)  // an empty context
        let key: SymmetricKey
        switch hash {
        case .sha256: key = HKDF<SHA256>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
        case .sha384: key = HKDF<SHA384>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
        }
        return key.withUnsafeBytes { Array($0) }
    }

    /// PRF(secret, label, seed) with P_SHA256 or P_SHA384, `length` bytes.
    static func prf(_ secret: [UInt8], _ label: String, seed: [UInt8], length: Int, hash: TLSCipherSuite.Hash)
        -> [UInt8]
    {
        let key = SymmetricKey(data: secret)
        func hmac(_ data: [UInt8]) -> [UInt8] {
            switch hash {
            case .sha256: Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
            case .sha384: Array(HMAC<SHA384>.authenticationCode(for: data, using: key))
            }
        }
        let labelSeed = Array(label.utf8) + seed
        var output: [UInt8] = []
        var a = labelSeed
        while output.count < length {
            a = hmac(a)
            output += hmac(a + labelSeed)
        }
        return Array(output.prefix(length))
    }
}

/// One direction's record protection: the AEAD key, the IV and the record sequence number.
struct TLSRecordProtection {
    let suite: TLSCipherSuite
    private let key: SymmetricKey
    private let iv: [UInt8]
    private(set) var sequence: UInt64 = 0

    init(suite: TLSCipherSuite, key: [UInt8], iv: [UInt8]) {
        self.suite = suite
        self.key = SymmetricKey(data: key)
        self.iv = iv
    }

    /// TLS 1.3 keys from a traffic secret.
    init(suite: TLSCipherSuite, trafficSecret: [UInt8]) {
        self.init(
            suite: suite,
            key: TLSKeyDerivation.expandLabel(trafficSecret, "key", length: suite.keyLength, hash: suite.hash),
            iv: TLSKeyDerivation.expandLabel(trafficSecret, "iv", length: 12, hash: suite.hash))
    }

    /// Decrypts one record's payload (`header` is its 5-byte header); nil when it does not authenticate.
    /// The sequence number moves on only on success.
    mutating func open(header: [UInt8], payload: ArraySlice<UInt8>) -> [UInt8]? {
        let tagLength = 16
        var nonce: [UInt8]
        var ciphertext: ArraySlice<UInt8>
        var aad: [UInt8]
        if suite.isTLS13 {
            guard payload.count >= tagLength else { return nil }
            nonce = sequenceNonce()
            ciphertext = payload.prefix(payload.count - tagLength)
            aad = header
        } else {
            let explicit = suite.ivLength == 4 ? 8 : 0
            guard payload.count >= explicit + tagLength else { return nil }
            nonce = explicit > 0 ? iv + payload.prefix(explicit) : sequenceNonce()
            ciphertext = payload.dropFirst(explicit).prefix(payload.count - explicit - tagLength)
            let length = ciphertext.count
            aad = (0..<8).map { UInt8(truncatingIfNeeded: sequence >> (56 - 8 * $0)) }
            aad += [header[0], header[1], header[2], UInt8(length >> 8), UInt8(length & 0xFF)]
        }
        let tag = payload.suffix(tagLength)
        let plaintext: [UInt8]
        do {
            switch suite.cipher {
            case .aesGCM:
                let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                plaintext = Array(try AES.GCM.open(box, using: key, authenticating: aad))
            case .chaCha20Poly1305:
                let box = try ChaChaPoly.SealedBox(
                    nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
                plaintext = Array(try ChaChaPoly.open(box, using: key, authenticating: aad))
            }
        } catch {
            return nil
        }
        sequence &+= 1
        return plaintext
    }

    /// The IV XOR the sequence number, left-padded to the IV's length (RFC 8446 §5.3, RFC 7905).
    private func sequenceNonce() -> [UInt8] {
        var nonce = iv
        for index in 0..<8 {
            nonce[nonce.count - 1 - index] ^= UInt8(truncatingIfNeeded: sequence >> (8 * index))
        }
        return nonce
    }
}
