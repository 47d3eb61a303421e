"""Data files shipped with desktop-uploader; read them through ``desktop_uploader.resource_files``."""
