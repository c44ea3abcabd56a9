/// Polls `condition` every 10 ms for up to 10 s; true as soon as it holds. For waiting on another
/// thread's progress without asserting how long it takes.
func eventually(_ condition: @Sendable () -> Bool) async -> Bool {
    for _ in 0..<1000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
