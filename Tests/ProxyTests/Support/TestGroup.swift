import NIOPosix

/// The event loops every proxy test shares.
let testGroup = MultiThreadedEventLoopGroup(numberOfThreads: 2)
