import Foundation
import TestSupport
import Testing

@testable import Replay

/// The replay's HTML report as a CI reviewer opens it: rendered by headless Chromium (Debian `chromium`),
/// its charts drawn, its tables there, and nothing logged to the console.
@Suite(.timeLimit(.minutes(2))) struct ReportRenderingTests {
    /// Gridlines sit at round values (1, 2 or 5 times a power of ten), about four of them.
    @Test func chartTicksAreRoundValues() {
        #expect(ReplayReport.ticks(upTo: 107) == [50, 100])
        #expect(ReplayReport.ticks(upTo: 12) == [5, 10])
        #expect(ReplayReport.ticks(upTo: 0.8) == [0.2, 0.4, 0.6000000000000001, 0.8])
        #expect(ReplayReport.ticks(upTo: 3_600) == [1_000, 2_000, 3_000])
        #expect(ReplayReport.ticks(upTo: 0).isEmpty)
    }

    @Test func theReportRendersInChromiumWithItsChartsAndNoConsoleErrors() async throws {
        let chromium = try Repository.systemTool("chromium")
        let target = try await DemoTarget.start()
        let directory = try TemporaryDirectory(prefix: "reprise-report")
        let hello = try #require(try GoldenRecording.calls(to: "/demo.v1.Demo/SayHello").first)
        let lines = try GoldenRecording.editedLines(GoldenRecording.helloAnswers("Eve", call: hello))
        let edited = try directory.write("edited.jsonl", lines.joined(separator: "\n") + "\n").path
        let report = directory.path("report.html").path
        let output = try await Subprocess.run(
            [
                try RepriseExecutable.path(), "replay", edited, "--target", target.address, "--plaintext", "--speed",
                "20", "--quiet", "--report", report,
            ], timeout: .seconds(60))
        await target.stop()
        #expect(output.status == 1, "\(output.stderrText)")

        let profile = directory.path("profile").path
        let screenshot = directory.path("shot.png").path
        let common = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
            "--user-data-dir=\(profile)", "--window-size=1200,4000",
        ]
        let dom = try await Subprocess.run(common + ["--dump-dom", "file://\(report)"], timeout: .seconds(60))
        #expect(dom.status == 0, "\(dom.stderrText)")
        let console = dom.stderrText.split(separator: "\n").filter { $0.contains(":CONSOLE") }
        #expect(console.isEmpty, "the page logged: \(console)")
        let page = dom.stdoutText
        for part in [
            "Latency over time", "Rate and errors over time", "class=\"rate\"", "class=\"methods\"",
            "<th class=\"num\">p95 ms</th>", "Differences by field", "responses[0].message",
            "Failures by status",
        ] {
            #expect(page.contains(part), "\(part) missing from the rendered page")
        }
        // The run fits in one time bucket: each latency line still spans it (a lone point would not show).
        for colour in ["#0969da", "#8250df", "#bc4c00"] {
            #expect(
                page.range(
                    of: #"<polyline points="[\d.]+,[\d.]+ [\d.]+,[\d.]+" fill="none" stroke=""# + colour,
                    options: .regularExpression) != nil, "no \(colour) latency line")
        }
        // The verdict names only what happened; the charts have gridlines at round values.
        #expect(page.contains(#"<span class="bad">1 differ from the recording.</span>"#), "\(page)")
        #expect(!page.contains("0 calls ended with another status"))
        #expect(page.contains(##"stroke="#e4e4e4""##))
        // The recorded NOT_FOUND errors came back as recorded: shown as matches, not failures.
        #expect(page.contains("<td>NOT_FOUND (5)</td>"), "\(page)")
        #expect(
            page.range(
                of:
                    #"<td>NOT_FOUND \(5\)</td><td class="num">\d+</td><td class="num ok">✓ \d+</td><td class="num">0</td>"#,
                options: .regularExpression) != nil)

        let shot = try await Subprocess.run(common + ["--screenshot=\(screenshot)", "file://\(report)"])
        #expect(shot.status == 0, "\(shot.stderrText)")
        // Pixels of the charts' colours in the screenshot: the lines and bars were drawn.
        let count = """
            import struct, sys, zlib
            data = open(sys.argv[1], "rb").read()
            assert data[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
            pos, idat, width, height, kind = 8, b"", 0, 0, 0
            while pos < len(data):
                length, tag = struct.unpack(">I4s", data[pos:pos + 8])
                body = data[pos + 8:pos + 8 + length]
                if tag == b"IHDR":
                    width, height, depth, kind = struct.unpack(">IIBB", body[:10])
                    assert depth == 8 and kind in (2, 6), (depth, kind)
                elif tag == b"IDAT":
                    idat += body
                pos += 12 + length
            raw, bpp = zlib.decompress(idat), 3 if kind == 2 else 4
            stride, rows, prev = width * bpp, [], bytearray(width * bpp)
            for y in range(height):
                f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
                for i in range(stride):
                    a = line[i - bpp] if i >= bpp else 0
                    b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                    if f == 1: line[i] = (line[i] + a) & 255
                    elif f == 2: line[i] = (line[i] + b) & 255
                    elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                    elif f == 4:
                        p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                        line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                rows.append(line); prev = line
            def near(colour):
                n = 0
                for line in rows:
                    for i in range(0, stride, bpp):
                        if all(abs(line[i + k] - colour[k]) < 40 for k in range(3)): n += 1
                return n
            print(near((9, 105, 218)), near((188, 76, 0)), near((87, 96, 106)))
            """
        let pixels = try await Subprocess.check([try Repository.python(), "-c", count, screenshot])
        let numbers = pixels.stdoutText.split(separator: " ").compactMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(numbers.count == 3)
        // p50 and rate lines (blue), p99 line (orange), distribution bars (grey).
        #expect(numbers.allSatisfy { $0 > 50 }, "chart pixels by colour: \(numbers)")
    }
}
