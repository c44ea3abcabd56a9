/// Polls `value` every 20 ms until it is non-zero and unchanged for `quiet`, and returns it; nil when it
/// was still changing (or still zero) after `timeout`. For counters of a peer held back by flow control:
/// how far it got once it stopped.
public func settled(
    quiet: Duration = .milliseconds(500), timeout: Duration = .seconds(30), _ value: () -> Int
) async throws -> Int? {
    var last = -1
    var stableSince = ContinuousClock.now
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        let now = value()
        if now != last || now == 0 {
            last = now
            stableSince = .now
        } else if ContinuousClock.now - stableSince > quiet {
            return now
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    return nil
}
