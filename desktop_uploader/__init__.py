"""desktop-uploader: put files into S3 from the desktop."""

# The one place the version is written: the package metadata (pyproject.toml) and the built app read it
# from here, and reading it costs nothing at start-up, unlike asking importlib.metadata.
__version__ = "0.1.0"
