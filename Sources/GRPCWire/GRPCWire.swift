// GRPCWire
