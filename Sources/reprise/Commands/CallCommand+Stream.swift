import ArgumentParser
import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import ProtoCodec

extension CallCommand {
    /// Calls a streaming method through k6's `Stream`: sends the request (for client streaming, each
    /// element of a JSON array, or each of several JSON objects one after another, as grpcurl reads them),
    /// half-closes, prints every response message, and exits like a unary call.
    func runStream(_ client: Client, method: RPCMethod) async throws {
        if load.isLoad {
            await client.close()
            throw CommandError("load mode (-n) calls unary methods; \(method.path) streams")
        }
        var params = try callParams()
        params.timeout = maxTime.map { .milliseconds(Int64($0 * 1000)) }
        let requests: [Request]
        switch try request() {
        case .json(let text) where method.isClientStreaming:
            // Not valid JSON is the same error as a unary call's, at the place the stream of values breaks.
            let values: [JSONValue]
            do {
                values = try JSONValue.sequence(parsing: text)
            } catch {
                await client.close()
                throw CommandError("unable to serialise request object: invalid JSON: \(error)")
            }
            if values.count == 1, case .array(let items) = values[0] {
                requests = items.map { .value($0) }
            } else {
                requests = values.map { .value($0) }
            }
        case let single:
            requests = [single]
        }
        let stream: GRPCStream
        do {
            stream = try GRPCStream(client, methodURL, params: params)
        } catch {
            await client.close()
            throw CommandError("\(error)")
        }
        let events = stream.events()
        for request in requests { stream.write(request) }
        stream.end()
        var failure: StreamError?
        for await event in events {
            switch event {
            case .data(let message, _):
                StandardStream.output.write(Data(message.jsonUTF8(pretty: true) + [UInt8(ascii: "\n")]))
            case .error(let error): failure = error
            case .end: break
            }
        }
        await client.close()
        guard let failure else {
            StandardStream.error.write("status: OK (0)\n")
            return
        }
        var report = "status: \(StatusCode(rawValue: failure.code).name) (\(failure.code)): \(failure.message)"
        for detail in failure.details { report += "\n  detail: \(detail.jsonString())" }
        StandardStream.error.write(report + "\n")
        throw ExitCode(Int32(64 + failure.code))
    }
}
