import Foundation

/// Paths of the checkout and of the peers that `scripts/setup.sh` installs.
public enum Repository {
    /// The package root, found from this file's location so tests work from any working directory.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/TestSupport/Repository.swift
        return url
    }()

    /// `fixtures/<relative>` inside the checkout.
    public static func fixture(_ relative: String) -> URL {
        root.appendingPathComponent("fixtures").appendingPathComponent(relative)
    }

    /// The virtual environment `make setup` creates (`REPRISE_VENV` overrides it).
    public static var venv: URL {
        if let custom = ProcessInfo.processInfo.environment["REPRISE_VENV"], !custom.isEmpty {
            return URL(fileURLWithPath: custom)
        }
        return root.appendingPathComponent(".build/venv")
    }

    /// A peer executable from the venv (`python`, `k6`), or a clear error telling how to get it.
    public static func venvTool(_ name: String) throws -> String {
        let path = venv.appendingPathComponent("bin").appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw PeerMissing(what: name, hint: "run `make setup` (it creates \(venv.path))")
        }
        return path
    }

    /// The venv's Python, which has grpcio, grpcio-tools, protobuf and numpy.
    public static func python() throws -> String { try venvTool("python") }

    /// A system executable found on PATH (`h2load`, `tcpdump`, ...), or a clear error.
    public static func systemTool(_ name: String) throws -> String {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for dir in paths + ["/usr/sbin", "/sbin"] {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw PeerMissing(what: name, hint: "run `make setup` (it installs the Debian package)")
    }
}

/// A peer the test needs is not installed.
public struct PeerMissing: Error, CustomStringConvertible {
    public var what: String
    public var hint: String
    public var description: String { "\(what) is not installed: \(hint)" }
}
