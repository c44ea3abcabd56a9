import Foundation
import TestSupport

/// A temporary directory with path helpers for files the tests write by hand.
final class TemporaryDirectoryForTests: Sendable {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory(prefix: "reprise-recording") }

    func file(_ name: String) -> String { directory.path(name).path }
}
