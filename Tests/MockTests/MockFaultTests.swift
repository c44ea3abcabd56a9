import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `reprise mock` under the faults a service in a test environment meets: ten thousand streams on one
/// connection, a client that sends request after request and never reads an answer, and clients reset in
/// the middle of their calls. The mock answers
/// everyone else meanwhile and its memory stays bounded by what TCP and HTTP/2 flow control let it hold.
@Suite(.timeLimit(.minutes(3)), .serialized)
struct MockFaultTests {
    /// The mock as a subprocess on a free port, one event loop.
    final class Mock {
        let process = Process()
        let port: Int

        init() throws {
            process.executableURL = URL(fileURLWithPath: try RepriseExecutable.path())
            process.arguments = [
                "mock", Repository.root.appendingPathComponent("recordings/demo.jsonl").path, "--listen",
                "127.0.0.1:0", "--threads", "1",
            ]
            let stdout = Pipe()
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            var printed = ""
            var found: Int?
            while found == nil {
                let chunk = stdout.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                printed += String(decoding: chunk, as: UTF8.self)
                if let range = printed.range(of: "listening on 127.0.0.1:") {
                    found = Int(printed[range.upperBound...].prefix { $0.isNumber })
                }
            }
            port = try #require(found, "the mock did not say where it listens: \(printed)")
        }

        /// Open file descriptors.
        var openDescriptors: Int {
            (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(process.processIdentifier)/fd").count) ?? -1
        }

        /// Resident memory in MiB.
        var residentMiB: Double {
            let status =
                (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? 0
        }

        deinit {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    static func h2load(_ port: Int, path: String, message: [UInt8], calls: Int, connections: Int, streams: Int)
        async throws -> String
    {
        let directory = try TemporaryDirectory(prefix: "reprise-mock-fault")
        return try await H2Load.unary(
            authority: "127.0.0.1:\(port)", path: path, message: message, calls: calls, connections: connections,
            streams: streams, directory: directory
        ).stdoutText
    }

    /// SayHello {"name":"Reprise"}, as recorded in recordings/demo.jsonl.
    static let hello: [UInt8] = [0x0A, 7] + Array("Reprise".utf8)

    @Test func tenThousandStreamsOnOneConnectionAreAllAnswered() async throws {
        let mock = try Mock()
        let output = try await Self.h2load(
            mock.port, path: "/demo.v1.Demo/SayHello", message: Self.hello, calls: 10_000, connections: 1,
            streams: 10_000)
        #expect(output.contains("10000 succeeded, 0 failed"), "\(output)")
    }

    @Test func aClientThatNeverReadsCostsLittleAndOthersAreStillServed() async throws {
        let mock = try Mock()
        let before = mock.residentMiB
        // 5,000 Blob calls (20 KB answers each, 100 MB in all) on one connection whose reader never reads.
        let stalled = try StalledClient(port: mock.port, requests: 5000)
        defer { stalled.close() }
        try await Task.sleep(for: .seconds(2))
        let output = try await Self.h2load(
            mock.port, path: "/demo.v1.Demo/SayHello", message: Self.hello, calls: 2000, connections: 2, streams: 8)
        #expect(output.contains("2000 succeeded, 0 failed"), "\(output)")
        let grown = mock.residentMiB - before
        #expect(grown < 32, "the mock grew by \(grown) MiB holding answers nobody reads")
        #expect(stalled.sent == 5000)
    }

    /// Clients reset (TCP RST) in the middle of their calls, again and again: each had 300 Blob calls in
    /// flight (20 KB answers, more than the socket takes). The mock keeps serving, its descriptors go back
    /// to what they were, and its memory does not grow with the resets.
    @Test func clientsResetMidCallLeaveNothingBehind() async throws {
        let mock = try Mock()
        let output = try await Self.h2load(
            mock.port, path: "/demo.v1.Demo/SayHello", message: Self.hello, calls: 100, connections: 1, streams: 8)
        #expect(output.contains("100 succeeded, 0 failed"), "\(output)")
        let descriptors = mock.openDescriptors
        var memory: [Double] = []
        for _ in 0..<30 {
            let client = try StalledClient(port: mock.port, requests: 300)
            try await Task.sleep(for: .milliseconds(50))
            client.reset()
            memory.append(mock.residentMiB)
        }
        let after = try await Self.h2load(
            mock.port, path: "/demo.v1.Demo/SayHello", message: Self.hello, calls: 1000, connections: 2, streams: 8)
        #expect(after.contains("1000 succeeded, 0 failed"), "\(after)")
        var settledDescriptors = mock.openDescriptors
        for _ in 0..<50 where settledDescriptors > descriptors {
            try await Task.sleep(for: .milliseconds(100))
            settledDescriptors = mock.openDescriptors
        }
        #expect(settledDescriptors <= descriptors, "descriptors: \(descriptors) before, \(settledDescriptors) after")
        let grown = (memory.suffix(10).max() ?? 0) - (memory.prefix(10).max() ?? 0)
        #expect(grown < 8, "the mock grew by \(grown) MiB over the last resets: \(memory)")
    }
}

/// A raw HTTP/2 client that writes a preface and `requests` Blob calls and never reads: a half-open peer.
final class StalledClient: @unchecked Sendable {
    private let descriptor: Int32
    private(set) var sent = 0

    init(port: Int, requests: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var small: Int32 = 4096
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        let bytes = Self.blobCalls(requests)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            guard written > 0 else { break }
            offset += written
        }
        sent = offset == bytes.count ? requests : 0
    }

    /// A client preface, its SETTINGS and `count` Blob calls {"size":20000} (as recorded: 20 KB answers) on
    /// streams 1, 3, 5... With `openWindows`, the largest windows HTTP/2 allows, so only TCP can hold the
    /// answers back, and an early ACK of the server's SETTINGS (which it sent on accepting), so its limit of
    /// concurrent streams applies rather than HTTP/2's 100 of before the ACK; `padding` adds an `x-pad`
    /// header of that many bytes to each request.
    static func blobCalls(_ count: Int, openWindows: Bool = false, padding: Int = 0) -> [UInt8] {
        let settings: [UInt8] =
            openWindows ? [0, 4] + withUnsafeBytes(of: UInt32(Int32.max).bigEndian, Array.init) : []
        var bytes = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + frame(type: 4, flags: 0, stream: 0, settings)
        if openWindows {
            bytes += frame(type: 4, flags: 0x1, stream: 0, [])
            bytes += frame(
                type: 8, flags: 0, stream: 0, withUnsafeBytes(of: UInt32(Int32.max - 65535).bigEndian, Array.init))
        }
        // Literal header fields without indexing, new names, no Huffman coding.
        var fields = [
            (":method", "POST"), (":scheme", "http"), (":path", "/demo.v1.Demo/Blob"), (":authority", "mock"),
            ("content-type", "application/grpc"), ("te", "trailers"),
        ]
        if padding > 0 { fields.append(("x-pad", String(repeating: "p", count: padding))) }
        var block: [UInt8] = []
        for (name, value) in fields {
            block +=
                [0] + hpackLength(name.utf8.count) + Array(name.utf8) + hpackLength(value.utf8.count)
                + Array(value.utf8)
        }
        let message: [UInt8] = [0, 0, 0, 0, 4, 0x08, 0xA0, 0x9C, 0x01]  // Blob {"size":20000}, as recorded
        for index in 0..<count {
            let stream = UInt32(2 * index + 1)
            bytes += frame(type: 1, flags: 0x4, stream: stream, block)
            bytes += frame(type: 0, flags: 0x1, stream: stream, message)
        }
        return bytes
    }

    /// An HPACK string length: a 7-bit prefix, no Huffman coding (RFC 7541 5.1).
    static func hpackLength(_ length: Int) -> [UInt8] {
        guard length >= 127 else { return [UInt8(length)] }
        var bytes: [UInt8] = [127]
        var rest = length - 127
        while rest >= 128 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        return bytes + [UInt8(rest)]
    }

    static func frame(type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags]
            + withUnsafeBytes(of: stream.bigEndian, Array.init) + payload
    }

    func close() { _ = Glibc.close(descriptor) }

    /// Closes with a TCP reset (SO_LINGER of zero) instead of a FIN: a client killed mid-call.
    func reset() {
        var linger = linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        close()
    }
}
