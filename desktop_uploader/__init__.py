"""desktop-uploader: put files into S3 from the desktop."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("desktop-uploader")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
