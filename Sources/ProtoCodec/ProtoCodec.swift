// ProtoCodec
