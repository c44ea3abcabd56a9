import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import Metrics
import MetricsExporter
import NIOCore
import NIOPosix
import ProtoCodec
import Synchronization

extension CallCommand {
    /// Runs the load mode and returns the exit status: 0, or 99 when a threshold failed.
    func runLoad(first: Client) async throws -> Int32 {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(load.connections, System.coreCount))
        do {
            let code = try await runLoad(first: first, group: group)
            try? await group.shutdownGracefully()
            return code
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func runLoad(first: Client, group: MultiThreadedEventLoopGroup) async throws -> Int32 {
        // The single-call client found the schema (maybe by reflection); the load clients share it.
        let schema = first.schema
        await first.close()
        let stop = ClosedLoop.StopSwitch()
        let run: MetricsRun
        do {
            run = try MetricsRun(
                configuration: try load.configuration(),
                onAbort: { abort in
                    StandardStream.error.write("reprise call: \(abort), stopping\n")
                    stop.stop()
                })
        } catch {
            throw CommandError("\(error)")
        }
        let endpoint = try await load.outputs.startMetricsEndpoint(registry: run.registry, name: "reprise call")
        do {
            let status = try await runLoad(run: run, schema: schema, stop: stop, group: group)
            try? await endpoint?.stop()
            return status
        } catch {
            try? await endpoint?.stop()
            throw error
        }
    }

    private func runLoad(
        run: MetricsRun, schema: ClientSchema, stop: ClosedLoop.StopSwitch, group: MultiThreadedEventLoopGroup
    ) async throws -> Int32 {
        let metrics = EngineMetrics(registry: run.registry)
        var clients: [Client] = []
        for _ in 0..<load.connections {
            let client = Client(
                schema: schema,
                configuration: .with {
                    $0.group = group
                    $0.metrics = metrics
                })
            var params = try tls.connectParams(timeout: .milliseconds(Int64(connectTimeout * 1000)))
            params.maxReceiveSize = maxReceiveSize ?? 0
            do {
                try await client.connect(address, params: params)
            } catch {
                for client in clients { await client.close() }
                throw CommandError.cannotConnect(error)
            }
            clients.append(client)
        }
        var params = try callParams()
        params.responseFormat = .protobuf
        let request = try self.request()
        let started = ContinuousClock.now
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(2))
                if Task.isCancelled { break }
                await metrics.flush()
                run.tick(elapsed: ContinuousClock.now - started)
            }
        }
        let outcome: ClosedLoop.Outcome
        do {
            outcome = try await ClosedLoop.run(
                clients: clients, total: load.total ?? 1, concurrency: load.concurrency, stop: stop
            ) { client throws(EngineError) in
                try client.prepare(methodURL, request: request, params: params)
            }
        } catch {
            ticker.cancel()
            for client in clients { await client.close() }
            throw CommandError("\(error)")
        }
        ticker.cancel()
        for client in clients { await client.close() }
        await metrics.close()
        let latency = run.registry.snapshot().aggregate(run.registry.builtin.grpcReqDuration)
        let report: RunReport
        do {
            report = try run.finish(elapsed: ContinuousClock.now - started)
        } catch {
            throw CommandError("cannot write the run's outputs: \(error)")
        }
        if load.json {
            StandardStream.output.write(loadJSON(outcome, latency: latency).jsonString() + "\n")
        } else {
            var text = report.text
            if !text.hasSuffix("\n") { text += "\n" }
            text += loadLine(outcome, latency: latency)
            StandardStream.output.write(text)
        }
        if let failure = report.failureMessage {
            StandardStream.error.write("reprise call: \(failure)\n")
        }
        return report.exitCode
    }

    private static let percentiles: [(String, Double)] = [
        ("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99), ("p99.9", 0.999),
    ]

    private func trend(_ latency: MetricAggregate) -> TrendAccumulator {
        if case .trend(let trend) = latency { return trend }
        return TrendAccumulator()
    }

    private func loadLine(_ outcome: ClosedLoop.Outcome, latency: MetricAggregate) -> String {
        let trend = trend(latency)
        let seconds = outcome.elapsed.seconds
        var line = String(
            format: "%d call%@ in %.3f s: %.1f calls/s, %d OK, %d failed\nlatency (ms): min %.3f",
            outcome.calls, outcome.calls == 1 ? "" : "s", seconds, outcome.callsPerSecond, outcome.succeeded,
            outcome.failed, trend.min)
        for (name, p) in Self.percentiles { line += "  \(name) " + String(format: "%.3f", trend.percentile(p)) }
        line += String(format: "  max %.3f  avg %.3f\n", trend.max, trend.avg)
        return line
    }

    private func loadJSON(_ outcome: ClosedLoop.Outcome, latency: MetricAggregate) -> ProtoCodec.JSONValue {
        let trend = trend(latency)
        let seconds = outcome.elapsed.seconds
        var latencyObject = ProtoCodec.JSONObject()
        latencyObject["min"] = Self.number(trend.min)
        for (name, p) in Self.percentiles { latencyObject[name] = Self.number(trend.percentile(p)) }
        latencyObject["max"] = Self.number(trend.max)
        latencyObject["avg"] = Self.number(trend.avg)
        var statuses = ProtoCodec.JSONObject()
        for (code, count) in outcome.statusCounts.enumerated() where count > 0 {
            statuses[StatusCode(rawValue: code).name] = .number(JSONNumber(count))
        }
        var object = ProtoCodec.JSONObject()
        object["calls"] = .number(JSONNumber(outcome.calls))
        object["ok"] = .number(JSONNumber(outcome.succeeded))
        object["failed"] = .number(JSONNumber(outcome.failed))
        object["seconds"] = Self.number(seconds)
        object["callsPerSecond"] = Self.number(outcome.callsPerSecond)
        object["concurrency"] = .number(JSONNumber(load.concurrency))
        object["connections"] = .number(JSONNumber(load.connections))
        object["statuses"] = .object(statuses)
        object["latencyMs"] = .object(latencyObject)
        return .object(object)
    }

    private static func number(_ value: Double) -> ProtoCodec.JSONValue {
        JSONNumber(value).map { .number($0) } ?? .null
    }
}
