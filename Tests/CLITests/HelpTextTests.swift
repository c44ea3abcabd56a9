import Foundation
import TestSupport
import Testing

/// Every subcommand's `--help`, as a user reads it in an 80-column terminal: examples whole on their lines,
/// paragraphs that flow, one default per option; and the command reference in docs/cli.md and the README
/// generated from it.
@Suite struct HelpTextTests {
    /// Every visible command path, from the binary's own description of itself.
    static func commandPaths() throws -> [[String]] {
        let output = try Subprocess.check([try RepriseExecutable.path(), "--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
        var paths: [[String]] = [[]]
        func walk(_ command: [String: Any], _ path: [String]) {
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help",
                    sub["shouldDisplay"] as? Bool ?? true
                else { continue }
                paths.append(path + [name])
                walk(sub, path + [name])
            }
        }
        walk(try #require(root["command"] as? [String: Any]), [])
        return paths
    }

    static func help(_ path: [String]) throws -> [String] {
        let output = try Subprocess.check(
            [try RepriseExecutable.path()] + path + ["--help"], environment: ["COLUMNS": "80"])
        return output.stdoutText.components(separatedBy: "\n")
    }

    @Test func everySubcommandIsDescribed() throws {
        let names = Set(try Self.commandPaths().compactMap(\.first))
        for expected in ["record", "import", "replay", "mock", "call", "compile", "decode", "encode", "demo-server"] {
            #expect(names.contains(expected), "reprise \(expected) is missing from --help")
        }
    }

    /// An example the terminal wrapped shows its tail at column 0 under an indented line; one that cannot be
    /// pasted. Examples stay under 80 columns, continued with `\` on indented lines.
    @Test func examplesAreKeptWholeOnTheirLines() throws {
        for path in try Self.commandPaths() {
            let lines = try Self.help(path).prefix { !$0.hasPrefix("USAGE:") }
            for (previous, line) in zip(lines, lines.dropFirst())
            where previous.hasPrefix("  ") && !line.isEmpty && !line.hasPrefix(" ") {
                Issue.record(
                    "reprise \(path.joined(separator: " ")) --help wraps an example: \"\(previous)\" / \"\(line)\"")
            }
        }
    }

    /// A line break written into a paragraph shows as a short line followed by more of the same paragraph.
    /// Wrapped at 80 columns, a line only ends short when the next word is long; 60 columns leaves room
    /// for a 19-character word.
    @Test func paragraphsFlow() throws {
        for path in try Self.commandPaths() {
            let lines = try Self.help(path).prefix { !$0.hasPrefix("USAGE:") }
            for (previous, line) in zip(lines, lines.dropFirst())
            where !previous.isEmpty && !previous.hasPrefix(" ") && !line.isEmpty && !line.hasPrefix(" ")
                && previous.count < 60
            {
                Issue.record("reprise \(path.joined(separator: " ")) --help breaks a paragraph after \"\(previous)\"")
            }
        }
    }

    /// ArgumentParser appends `(default: X)`; help text that also says its default reads twice.
    @Test func eachOptionStatesItsDefaultOnce() throws {
        for path in try Self.commandPaths() {
            var options: [String] = []
            for line in try Self.help(path).drop(while: { !$0.hasPrefix("OPTIONS:") }).dropFirst() {
                if line.hasPrefix("  -") || options.isEmpty {
                    options.append(line)
                } else {
                    options[options.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
                }
            }
            for option in options where option.ranges(of: /\((the )?default\b/).count > 1 {
                Issue.record("reprise \(path.joined(separator: " ")) --help states a default twice: \(option)")
            }
            for option in options where option.contains("(default: 0)") {
                Issue.record("reprise \(path.joined(separator: " ")) --help shows a placeholder default: \(option)")
            }
        }
    }

    @Test func theCommandReferenceIsTheBinarysHelp() throws {
        let script = Repository.root.appendingPathComponent("scripts/cli-docs.py").path
        let output = try Subprocess.run(["/usr/bin/env", "python3", script, "--check", try RepriseExecutable.path()])
        #expect(output.status == 0, "\(output.stderrText)")
    }

    @Test func completionScriptsAreGenerated() throws {
        for shell in ["bash", "zsh", "fish"] {
            let output = try Subprocess.check([try RepriseExecutable.path(), "--generate-completion-script", shell])
            #expect(output.stdoutText.contains("replay"), "\(shell) completion lacks the replay subcommand")
        }
    }
}
