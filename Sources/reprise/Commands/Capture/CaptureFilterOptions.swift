import ArgumentParser

/// Which packets of a capture are read: gRPC server ports, hosts, and any BPF expression, combined.
struct CaptureFilterOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A server port: only its connections are read, and it tells client from server when a capture "
                + "missed the connection's start (repeatable).", valueName: "port"))
    var port: [Int] = []

    @Option(name: .long, help: ArgumentHelp("Only traffic to or from this host (repeatable).", valueName: "host"))
    var host: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("A BPF filter expression (tcpdump's syntax), added to --port and --host.", valueName: "bpf"))
    var filter: String?

    @Option(
        name: .customLong("max-held-bytes"),
        help: ArgumentHelp(
            "Bytes held per connection waiting for a missing segment; past it the connection is skipped.",
            valueName: "n"))
    var maxHeldBytes = 16 * 1024 * 1024

    func validate() throws {
        for port in port where !(1...65535).contains(port) {
            throw ValidationError("--port takes a TCP port number (1-65535); got \(port).")
        }
        if maxHeldBytes < 65536 {
            throw ValidationError("--max-held-bytes takes a byte count of at least 65536; got \(maxHeldBytes).")
        }
    }

    /// The BPF expression the options make: always TCP, then the ports, hosts and expression given.
    var expression: String {
        var parts = ["tcp"]
        if !port.isEmpty { parts.append("(" + port.map { "port \($0)" }.joined(separator: " or ") + ")") }
        if !host.isEmpty { parts.append("(" + host.map { "host \($0)" }.joined(separator: " or ") + ")") }
        if let filter, !filter.isEmpty { parts.append("(\(filter))") }
        return parts.joined(separator: " and ")
    }

    /// The server ports given, for telling client from server.
    var serverPorts: Set<UInt16> { Set(port.map { UInt16($0) }) }
}
