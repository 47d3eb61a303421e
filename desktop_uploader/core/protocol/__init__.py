"""Reading the S3 protocol: what a presigned link says about itself (``links``) and what an answer from
the storage or a signing endpoint says (``responses``). Every upload uses these; the explanation layer
builds on them but they explain nothing themselves."""
