import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import Metrics
import TestSupport
import Testing

/// The engine's k6 metrics: names, tags and counts as k6 records them.
@Suite("Engine metrics")
struct EngineMetricsTests {
    @Test(arguments: DemoPeer.allCases)
    func callsAndStreamsAreRecordedWithK6sTags(_ kind: DemoPeer) async throws {
        let peer = try await kind.start()
        let registry = MetricsRegistry()
        let metrics = EngineMetrics(registry: registry)
        let client = try await demoClient(peer, configuration: .with { $0.metrics = metrics })
        let ok = try await client.invoke(
            "demo.v1.Demo/SayHello", request: .json(#"{"name":"m"}"#), params: .with { $0.tags = ["kind": "unary"] })
        #expect(ok.status == .ok)
        let failed = try await client.invoke("demo.v1.Demo/Fail", request: .json(#"{"code":7}"#))
        #expect(failed.status == .permissionDenied)
        let stream = try GRPCStream(client, "demo.v1.Demo/Chat", params: .with { $0.tags = ["name": "chat"] })
        stream.write(.json(#"{"text":"a"}"#))
        stream.write(.json(#"{"text":"b"}"#))
        stream.end()
        await stream.ended()
        await client.close()
        await metrics.close()
        await peer.stop()

        let snapshot = registry.snapshot()
        let builtin = registry.builtin
        func trendCount(_ tags: TagSet) -> UInt64 {
            guard case .trend(let trend) = snapshot.aggregate(builtin.grpcReqDuration, matching: tags) else { return 0 }
            return trend.count
        }
        func counter(_ metric: Metric, _ tags: TagSet = .empty) -> Int64 {
            guard case .counter(let counter) = snapshot.aggregate(metric, matching: tags) else { return -1 }
            return counter.value
        }
        let url = peer.address + "/demo.v1.Demo/SayHello"
        #expect(
            trendCount([
                "url": url, "name": "/demo.v1.Demo/SayHello", "service": "demo.v1.Demo", "method": "SayHello",
                "status": "0", "kind": "unary", "scenario": "default",
            ]) == 1)
        #expect(trendCount(["method": "Fail", "status": "7"]) == 1)
        #expect(trendCount(["name": "chat", "method": "Chat", "status": "0"]) == 1)
        #expect(counter(builtin.grpcReqs) == 3)
        guard case .rate(let failures) = snapshot.aggregate(builtin.grpcReqFailed) else {
            Issue.record("grpc_req_failed is not a rate")
            return
        }
        #expect(failures.trues == 1 && failures.total == 3)
        #expect(counter(builtin.grpcStreams, ["name": "chat"]) == 1)
        #expect(counter(builtin.grpcStreamsMsgsSent, ["name": "chat"]) == 2)
        #expect(counter(builtin.grpcStreamsMsgsReceived, ["name": "chat"]) == 2)
        #expect(counter(builtin.dataSent) > 100)
        #expect(counter(builtin.dataReceived) > 100)
    }

    @Test func aDeadPeerIsUnavailableWithK6sErrorCode() async throws {
        let peer = try await DemoPeer.grpcio.start()
        let registry = MetricsRegistry()
        let metrics = EngineMetrics(registry: registry)
        let client = try await demoClient(peer, configuration: .with { $0.metrics = metrics })
        let pending = client.asyncInvoke("demo.v1.Demo/Sleep", request: .json(#"{"duration":"20s"}"#))
        try await Task.sleep(for: .milliseconds(300))
        peer.process?.kill()
        let response = try await pending.response
        #expect(response.status == .unavailable)
        let code = try #require(response.error?.k6ErrorCode, "\(String(describing: response.error))")
        #expect((1000..<1700).contains(code))
        await client.close()
        await metrics.close()
        guard
            case .trend(let trend) = registry.snapshot().aggregate(
                registry.builtin.grpcReqDuration,
                matching: ["method": "Sleep", "error_code": "\(code)", "status": "14"])
        else { return }
        #expect(trend.count == 1)
    }
}
