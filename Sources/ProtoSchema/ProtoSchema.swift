// ProtoSchema
