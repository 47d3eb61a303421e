"""What a watched folder does with a file once it is uploaded. Kept apart from the watcher so that reading
settings does not load the file-system watching library."""

AFTER_KEEP = "keep"
AFTER_COPY = "copy"
AFTER_MOVE = "move"
AFTER_UPLOAD_CHOICES = (AFTER_KEEP, AFTER_COPY, AFTER_MOVE)
