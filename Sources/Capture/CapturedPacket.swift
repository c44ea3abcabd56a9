/// One packet as libpcap hands it over: valid only until the next packet is read.
public struct CapturedPacket {
    /// The captured bytes (at most the snapshot length), starting with the link-layer header.
    public var bytes: UnsafeRawBufferPointer
    /// The packet's length on the wire (more than `bytes.count` when the capture cut it).
    public var wireLength: Int
    /// When it was captured, in nanoseconds since 1970.
    public var time: Int64
    /// Its link-layer header type.
    public var linkType: LinkType
}
