"""Getting upload links: from a signing endpoint (``endpoint``, the simple protocol; ``companion``, Uppy
Companion's S3 routes) or signed here with keys from the keychain (``local``, ``local_multipart``). What
each can do is a type in ``base``."""
