"""A real, local S3 server (SeaweedFS ``weed mini``) for the test suite and the ``demo`` command.

Nothing here imports Qt: the engine's tests and the command line use it as well as the GUI.
"""

from desktop_uploader.devserver.seaweed import (
    S3Identity,
    SeaweedError,
    SeaweedServer,
    SeaweedStartError,
    WeedNotFoundError,
    find_weed,
)

__all__ = [
    "S3Identity",
    "SeaweedError",
    "SeaweedServer",
    "SeaweedStartError",
    "WeedNotFoundError",
    "find_weed",
]
