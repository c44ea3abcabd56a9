import Foundation
import GRPCProtocol
import GRPCWire
import NIOCore
import TestSupport
import Testing

/// Reprise's server called by real clients: grpcio (C core) over plaintext and TLS, and h2load.
@Suite(.timeLimit(.minutes(2))) struct ServerInteropTests {
    private struct ClientReport: Decodable {
        struct Unary: Decodable {
            var response: String
            var code: Int
            var initial: [String: [String]]
            var trailing: [String: [String]]
        }
        struct Gzip: Decodable {
            var length: Int
            var intact: Bool
        }
        struct Failure: Decodable {
            var code: Int
            var details: String
            var why: String?
            var status_details_bin: String
        }
        struct Unimplemented: Decodable {
            var code: Int
            var details: String
        }
        var unary: Unary
        var gzip: Gzip
        var server_stream: [String]
        var client_stream: String
        var bidi: [String]
        var fail: Failure
        var deadline: Int
        var cancelled_count: Int
        var unimplemented: Unimplemented
    }

    private func runGRPCIOClient(port: Int, extra: [String] = []) throws -> ClientReport {
        let script = Repository.root.appendingPathComponent("Tests/GRPCWireTests/Peers/grpcio_client.py").path
        let output = try Subprocess.check([try Repository.python(), script, "\(port)"] + extra, timeout: .seconds(60))
        return try JSONDecoder().decode(ClientReport.self, from: output.stdout)
    }

    private func check(_ report: ClientReport) {
        #expect(report.unary.response == "hello")
        #expect(report.unary.code == 0)
        #expect(report.unary.initial["x-key"] == ["value"])
        #expect(report.unary.initial["x-data-bin"] == ["00ff"])
        #expect(report.unary.trailing["x-trailer"] == ["t"])
        #expect(report.unary.trailing["x-trailer-bin"] == ["0102"])
        #expect(report.gzip.length == 100_000 && report.gzip.intact)
        #expect(report.server_stream == ["item-0", "item-1", "item-2"])
        #expect(report.client_stream == "abc")
        #expect(report.bidi == ["x", "y", "z"])
        #expect(report.fail.code == 3)
        #expect(report.fail.details == "bad ümlaut request")
        #expect(report.fail.why == "because")
        let details = Array(hex: report.fail.status_details_bin).flatMap { try? RPCStatus(serializedBytes: $0) }
        #expect(details?.code == 3)
        #expect(details?.details.first?.typeURL == "type.googleapis.com/google.rpc.ErrorInfo")
        #expect(report.deadline == 4)
        #expect(report.cancelled_count >= 1)
        #expect(report.unimplemented.code == 12)
        #expect(report.unimplemented.details == "unknown service other.Service")
    }

    @Test func grpcioClientExercisesEveryRPCKindOnPlaintext() async throws {
        let routes = DemoRoutes()
        let server = try await GRPCServer.start(router: routes.router, group: testGroup)
        let port = server.port
        let report = try await Subprocess.offThread { try runGRPCIOClient(port: port) }
        check(report)
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func grpcioClientExercisesEveryRPCKindOverTLS() async throws {
        let pki = try TestCertificates()
        let routes = DemoRoutes()
        let server = try await GRPCServer.start(
            configuration: .defaults {
                $0.tls = ServerTLSConfiguration(
                    certificateChainPEM: pki.serverCertificatePEM, privateKeyPEM: pki.serverKeyPEM)
            }, router: routes.router, group: testGroup)
        let port = server.port
        let report = try await Subprocess.offThread {
            try runGRPCIOClient(port: port, extra: ["--ca", pki.file("ca.pem")])
        }
        check(report)
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func h2loadDrivesUnaryCallsToCompletion() async throws {
        let routes = DemoRoutes()
        let server = try await GRPCServer.start(router: routes.router, group: testGroup)
        let output = try await H2Load.unary(
            authority: "127.0.0.1:\(server.port)", path: "/demo.Wire/Unary", message: Array("hello".utf8), calls: 2000,
            directory: try TemporaryDirectory(prefix: "reprise-h2load"))
        #expect(output.stdoutText.contains("2000 succeeded, 0 failed, 0 errored"), "\(output.stdoutText)")
        #expect(output.stdoutText.contains("status codes: 2000 2xx"), "\(output.stdoutText)")
        await server.shutdown(gracePeriod: .seconds(1))
    }
}

extension Array where Element == UInt8 {
    fileprivate init?(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self = bytes
    }
}
