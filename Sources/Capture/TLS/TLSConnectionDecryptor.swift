import NIOCore
import Recording

/// The plaintext of one TLS connection, from its two TCP byte streams and a key log: TLS 1.3 (the
/// handshake and application traffic secrets, key updates followed) and TLS 1.2 (the master secret,
/// GCM and ChaCha20-Poly1305 suites). Application data comes out in order per direction; handshake
/// messages, alerts and session tickets are read only to follow the keys.
///
/// Fed the bytes the capture delivered in order; a record that does not authenticate, or a session whose
/// secrets are not in the log, is an error naming the reason (the importer then cuts the connection).
final class TLSConnectionDecryptor {
    private let keyLog: TLSKeyLog
    private var client = Direction()
    private var server = Direction()
    private var clientRandom: [UInt8]?
    private var serverRandom: [UInt8]?
    private var suite: TLSCipherSuite?
    private var secrets: TLSKeyLog.Secrets?

    /// The negotiated version once the ServerHello is read: "TLS 1.3" or "TLS 1.2".
    private(set) var version: String?

    private struct Direction {
        /// Bytes of a record not yet complete.
        var pending: [UInt8] = []
        /// Plaintext handshake bytes not yet a whole message.
        var handshake: [UInt8] = []
        var protection: TLSRecordProtection?
        /// TLS 1.3: the current traffic secret (for key updates); nil while on handshake keys.
        var trafficSecret: [UInt8]?
        /// Records decrypted, for messages.
        var records = 0
    }

    init(keyLog: TLSKeyLog) {
        self.keyLog = keyLog
    }

    /// Takes bytes of one direction; returns the application data they complete (possibly none).
    func feed(_ bytes: ByteBuffer, from side: CallSide) throws(TLSDecryptError) -> [UInt8] {
        var direction = side == .client ? client : server
        defer {
            if side == .client { client = direction } else { server = direction }
        }
        direction.pending += bytes.readableBytesView
        var output: [UInt8] = []
        var offset = 0
        let buffer = direction.pending
        while buffer.count - offset >= 5 {
            let type = buffer[offset]
            let length = Int(buffer[offset + 3]) << 8 | Int(buffer[offset + 4])
            guard (20...24).contains(type), buffer[offset + 1] == 3 else {
                throw TLSDecryptError("the \(side.rawValue)'s stream is not TLS records at this point")
            }
            guard buffer.count - offset >= 5 + length else { break }
            let header = Array(buffer[offset..<(offset + 5)])
            let payload = buffer[(offset + 5)..<(offset + 5 + length)]
            offset += 5 + length
            try record(type: type, header: header, payload: payload, side: side, &direction, into: &output)
        }
        direction.pending.removeFirst(offset)
        return output
    }

    // MARK: Records

    private func record(
        type: UInt8, header: [UInt8], payload: ArraySlice<UInt8>, side: CallSide, _ direction: inout Direction,
        into output: inout [UInt8]
    ) throws(TLSDecryptError) {
        guard var protection = direction.protection else {
            switch type {
            case 22:
                direction.handshake += payload
                try plaintextHandshake(side: side, &direction)
            case 20:
                // TLS 1.2: ChangeCipherSpec turns this direction's protection on. TLS 1.3: a middlebox
                // compatibility record, meaningless (its keys were already set from the ServerHello).
                if version == "TLS 1.2" { try startTLS12(side: side, &direction) }
            default:
                break  // alerts in the clear
            }
            return
        }
        if type == 20, suite?.isTLS13 == true { return }  // TLS 1.3 compatibility ChangeCipherSpec
        direction.records += 1
        guard var plaintext = protection.open(header: header, payload: payload) else {
            // TLS 1.3: if the Finished was missed, the application keys may already be in use.
            if direction.trafficSecret == nil, let switched = applicationProtection(side: side),
                case var trial = switched, let opened = trial.open(header: header, payload: payload)
            {
                direction.protection = trial
                direction.trafficSecret = side == .client ? secrets?.clientTraffic : secrets?.serverTraffic
                try inner(opened, side: side, &direction, into: &output)
                return
            }
            throw TLSDecryptError(
                "TLS record \(direction.records) from the \(side.rawValue) does not decrypt with the key log's secrets "
                    + "(the log may belong to another session, or the capture is damaged)")
        }
        direction.protection = protection
        if suite?.isTLS13 == true {
            try inner(plaintext, side: side, &direction, into: &output)
        } else {
            switch type {
            case 23: output += plaintext
            case 22: plaintext.removeAll()  // the Finished, or a renegotiation (not followed)
            default: break  // alerts
            }
        }
    }

    /// TLS 1.3: the inner plaintext, `content || type || zeros`.
    private func inner(
        _ plaintext: [UInt8], side: CallSide, _ direction: inout Direction, into output: inout [UInt8]
    ) throws(TLSDecryptError) {
        guard let typeIndex = plaintext.lastIndex(where: { $0 != 0 }) else { return }
        let content = plaintext[..<typeIndex]
        switch plaintext[typeIndex] {
        case 23: output += content
        case 22:
            direction.handshake += content
            try protectedHandshake(side: side, &direction)
        default: break  // alerts
        }
    }

    // MARK: Handshake

    /// Whole handshake messages in `handshake`, removed from it.
    private static func messages(_ handshake: inout [UInt8]) -> [(type: UInt8, body: ArraySlice<UInt8>)] {
        var found: [(UInt8, ArraySlice<UInt8>)] = []
        var offset = 0
        while handshake.count - offset >= 4 {
            let length =
                Int(handshake[offset + 1]) << 16 | Int(handshake[offset + 2]) << 8 | Int(handshake[offset + 3])
            guard handshake.count - offset >= 4 + length else { break }
            found.append((handshake[offset], handshake[(offset + 4)..<(offset + 4 + length)]))
            offset += 4 + length
        }
        let bodies = found.map { ($0.0, ArraySlice(Array($0.1))) }
        handshake.removeFirst(offset)
        return bodies
    }

    private static let helloRetryRandom: [UInt8] = [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ]

    private func plaintextHandshake(side: CallSide, _ direction: inout Direction) throws(TLSDecryptError) {
        for (type, body) in Self.messages(&direction.handshake) {
            guard body.count >= 34 else { continue }
            let random = Array(body[(body.startIndex + 2)..<(body.startIndex + 34)])
            if type == 1, side == .client {
                clientRandom = random
            } else if type == 2, side == .server, random != Self.helloRetryRandom {
                serverRandom = random
                try serverHello(body)
                if suite?.isTLS13 == true {
                    // From the ServerHello on, both sides' handshake records are encrypted.
                    guard let secrets, let serverHandshake = secrets.serverHandshake,
                        let clientHandshake = secrets.clientHandshake, let suite
                    else {
                        throw TLSDecryptError("TLS 1.3 session \(sessionName) has no handshake secrets in the key log")
                    }
                    direction.protection = TLSRecordProtection(suite: suite, trafficSecret: serverHandshake)
                    client.protection = TLSRecordProtection(suite: suite, trafficSecret: clientHandshake)
                }
            }
        }
    }

    /// Reads the ServerHello's version, cipher suite, and looks the session up in the key log.
    private func serverHello(_ body: ArraySlice<UInt8>) throws(TLSDecryptError) {
        var index = body.startIndex + 34
        guard index < body.endIndex else { throw TLSDecryptError("a ServerHello is cut short") }
        index += 1 + Int(body[index])  // session id
        guard index + 3 <= body.endIndex else { throw TLSDecryptError("a ServerHello is cut short") }
        let code = UInt16(body[index]) << 8 | UInt16(body[index + 1])
        index += 3  // cipher suite, compression
        var tls13 = false
        if index + 2 <= body.endIndex {
            let end = min(body.endIndex, index + 2 + (Int(body[index]) << 8 | Int(body[index + 1])))
            index += 2
            while index + 4 <= end {
                let type = UInt16(body[index]) << 8 | UInt16(body[index + 1])
                let length = Int(body[index + 2]) << 8 | Int(body[index + 3])
                if type == 0x002B, length == 2, index + 6 <= end, body[index + 4] == 3, body[index + 5] == 4 {
                    tls13 = true
                }
                index += 4 + length
            }
        }
        version = tls13 ? "TLS 1.3" : "TLS 1.2"
        guard let suite = TLSCipherSuite(code: code), suite.isTLS13 == tls13 else {
            throw TLSDecryptError(
                "\(version!) cipher suite 0x\(String(code, radix: 16, uppercase: true)) cannot be decrypted "
                    + "(supported: AES-GCM and ChaCha20-Poly1305)")
        }
        self.suite = suite
        guard let clientRandom, let found = keyLog.secrets(clientRandom: clientRandom) else {
            throw TLSDecryptError("\(version!) session \(sessionName) has no secrets in the key log")
        }
        secrets = found
    }

    /// TLS 1.3 handshake messages under protection: the Finished moves to the application keys, a
    /// KeyUpdate to the next generation of them.
    private func protectedHandshake(side: CallSide, _ direction: inout Direction) throws(TLSDecryptError) {
        for (type, _) in Self.messages(&direction.handshake) {
            switch type {
            case 20 where direction.trafficSecret == nil:
                guard let protection = applicationProtection(side: side) else {
                    throw TLSDecryptError(
                        "TLS 1.3 session \(sessionName) has no \(side == .client ? "CLIENT" : "SERVER")"
                            + "_TRAFFIC_SECRET_0 in the key log")
                }
                direction.protection = protection
                direction.trafficSecret = side == .client ? secrets?.clientTraffic : secrets?.serverTraffic
            case 24:
                guard let secret = direction.trafficSecret, let suite else { continue }
                let next = TLSKeyDerivation.expandLabel(
                    secret, "traffic upd", length: suite.hash.length, hash: suite.hash)
                direction.trafficSecret = next
                direction.protection = TLSRecordProtection(suite: suite, trafficSecret: next)
            default:
                break
            }
        }
    }

    private func applicationProtection(side: CallSide) -> TLSRecordProtection? {
        guard let suite, suite.isTLS13,
            let secret = side == .client ? secrets?.clientTraffic : secrets?.serverTraffic
        else { return nil }
        return TLSRecordProtection(suite: suite, trafficSecret: secret)
    }

    /// TLS 1.2: the key block from the master secret; this direction's records are protected from here on.
    private func startTLS12(side: CallSide, _ direction: inout Direction) throws(TLSDecryptError) {
        guard let suite, let clientRandom, let serverRandom, let master = secrets?.masterSecret else {
            throw TLSDecryptError("TLS 1.2 session \(sessionName) has no CLIENT_RANDOM line in the key log")
        }
        let keyLength = suite.keyLength
        let ivLength = suite.ivLength
        let block = TLSKeyDerivation.prf(
            master, "key expansion", seed: serverRandom + clientRandom, length: 2 * (keyLength + ivLength),
            hash: suite.hash)
        let clientKey = Array(block[0..<keyLength])
        let serverKey = Array(block[keyLength..<(2 * keyLength)])
        let clientIV = Array(block[(2 * keyLength)..<(2 * keyLength + ivLength)])
        let serverIV = Array(block[(2 * keyLength + ivLength)..<(2 * keyLength + 2 * ivLength)])
        direction.protection =
            side == .client
            ? TLSRecordProtection(suite: suite, key: clientKey, iv: clientIV)
            : TLSRecordProtection(suite: suite, key: serverKey, iv: serverIV)
    }

    /// The session as messages name it: the first bytes of its client random.
    private var sessionName: String {
        guard let clientRandom else { return "(no ClientHello seen)" }
        return "(client random " + clientRandom.prefix(8).map { String(format2: $0) }.joined() + "…)"
    }
}

/// Why a TLS connection's bytes could not be decrypted.
struct TLSDecryptError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

extension String {
    /// Two lowercase hex digits.
    fileprivate init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self.init([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
