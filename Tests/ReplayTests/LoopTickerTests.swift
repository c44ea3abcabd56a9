import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Replay

/// The open-loop schedule's clock: a call far off fires once at its time, calls coming due steadily fire on
/// a grid of ticks (on Linux without setting the timer again), and a stopped ticker stays quiet.
@Suite(.timeLimit(.minutes(1))) struct LoopTickerTests {
    private static let millisecond: UInt64 = 1_000_000

    /// Runs `body` on a loop of its own with a ticker whose firings are timed; returns the firing times.
    private func firings(
        tick: UInt64, until count: Int, _ next: @escaping @Sendable (LoopTicker, Int, UInt64) -> Void
    ) async throws -> [UInt64] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let times = Mutex<[UInt64]>([])
        let done = loop.makePromise(of: Void.self)
        try await loop.submit {
            let box = TickerBox()
            let ticker = LoopTicker(eventLoop: loop, tick: tick, window: tick / 2) {
                let now = NIODeadline.now().uptimeNanoseconds
                let fired = times.withLock { times in
                    times.append(now)
                    return times.count
                }
                if fired >= count {
                    box.ticker?.stop()
                    done.succeed()
                } else if let ticker = box.ticker {
                    next(ticker, fired, now)
                }
            }
            box.ticker = ticker
            next(ticker, 0, NIODeadline.now().uptimeNanoseconds)
        }.get()
        try await done.futureResult.get()
        // Three more ticks: a stopped ticker fires no more.
        try await Task.sleep(for: .milliseconds(3 * Int(tick / Self.millisecond) + 5))
        let result = times.withLock { $0 }
        try await group.shutdownGracefully()
        return result
    }

    @Test func aCallFarOffFiresOnceAtItsTime() async throws {
        let start = NIODeadline.now().uptimeNanoseconds
        let due = start + 40 * Self.millisecond
        let times = try await firings(tick: 2 * Self.millisecond, until: 1) { ticker, _, now in
            _ = ticker.fire(for: due, now: now)
        }
        #expect(times.count == 1)
        let first = try #require(times.first)
        #expect(first >= due, "fired \(Double(Int64(due) - Int64(first)) / 1e6) ms early")
        // Late only by the loop's own wake-up: generous, since CI machines are shared and busy.
        #expect(first < due + 250 * Self.millisecond, "fired \(Double(Int64(first) - Int64(due)) / 1e6) ms late")
    }

    @Test func callsComingDueSteadilyFireATickApart() async throws {
        let tick = 2 * Self.millisecond
        // Each firing asks for a call due half a tick later: the grid's next firing covers it.
        let times = try await firings(tick: tick, until: 30) { ticker, _, now in
            _ = ticker.fire(for: now + tick / 2, now: now)
        }
        #expect(times.count == 30, "a stopped ticker fired again: \(times.count) firings")
        let gaps = zip(times.dropFirst(), times).map { Int64($0) - Int64($1) }
        // On the grid, not faster: 30 firings span at least 28 ticks. A firing the loop woke late for is
        // followed by one that looks early (the grid stays put), so short gaps are allowed, but a ticker
        // that fired again at once after each firing would make most of them short.
        let span = Int64(times.last! - times.first!)
        #expect(span >= Int64(29 * tick) - Int64(tick), "30 firings in \(Double(span) / 1e6) ms")
        #expect(gaps.filter { $0 < Int64(tick) / 4 }.count <= gaps.count / 3, "gaps: \(gaps.map { Double($0) / 1e6 })")
    }

    @Test func aCallDueLaterThanTheGridMovesIt() async throws {
        let tick = 2 * Self.millisecond
        // Every other firing asks for a call 20 ms away: the grid must not fire in between.
        let times = try await firings(tick: tick, until: 6) { ticker, fired, now in
            _ = ticker.fire(for: now + (fired % 2 == 1 ? 20 * Self.millisecond : tick / 2), now: now)
        }
        let gaps = zip(times.dropFirst(), times).map { Int64($0) - Int64($1) }
        for (index, gap) in gaps.enumerated() where index % 2 == 0 {
            #expect(gap >= Int64(20 * Self.millisecond), "firing \(index + 2) came after \(Double(gap) / 1e6) ms")
        }
    }
}

/// Holds the ticker for its own firing closure (set right after the ticker is made).
private final class TickerBox: @unchecked Sendable {
    var ticker: LoopTicker?
}
