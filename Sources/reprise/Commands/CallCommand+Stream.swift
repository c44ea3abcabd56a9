import ArgumentParser
import Engine
import Foundation
import GRPCProtocol
import GRPCWire
import ProtoCodec

extension CallCommand {
    /// Calls a streaming method through k6's `Stream`: sends the request (each element of a JSON array for
    /// client streaming), half-closes, prints every response message, and exits like a unary call.
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
            guard case .array(let items) = try? JSONValue(parsing: text) else {
                requests = [.json(text)]
                break
            }
            requests = items.map { .value($0) }
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
                FileHandle.standardOutput.write(Data(message.jsonUTF8(pretty: true) + [UInt8(ascii: "\n")]))
            case .error(let error): failure = error
            case .end: break
            }
        }
        await client.close()
        guard let failure else {
            FileHandle.standardError.write(Data("status: OK (0)\n".utf8))
            return
        }
        var report = "status: \(StatusCode(rawValue: failure.code).name) (\(failure.code)): \(failure.message)"
        for detail in failure.details { report += "\n  detail: \(detail.jsonString())" }
        FileHandle.standardError.write(Data((report + "\n").utf8))
        throw ExitCode(Int32(64 + failure.code))
    }
}
