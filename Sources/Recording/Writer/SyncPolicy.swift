/// When a recording is forced to disk with `fsync`.
///
/// Every line reaches the kernel as soon as the writer flushes (one `write` per batch of whole lines), so
/// a crash of the process loses nothing already flushed. `fsync` only matters if the machine itself goes
/// down: `periodic` (the default) bounds that loss to about one interval at the cost of one `fsync` per
/// interval; `always` syncs after every flush (slow on real disks); `never` leaves it to the kernel.
/// Every policy syncs when the writer closes.
public enum SyncPolicy: Sendable, Hashable {
    /// Never before closing.
    case never
    /// At most once per interval while lines are being written, and when idle after a write.
    case periodic(Duration)
    /// After every flush.
    case always

    /// Once a second.
    public static var defaults: SyncPolicy { .periodic(.seconds(1)) }
}
