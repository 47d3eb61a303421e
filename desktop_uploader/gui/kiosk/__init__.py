"""Kiosk mode's widgets: the full-screen window, its controller, file list, dialogs and settings. The
Qt-free rules they follow live in :mod:`desktop_uploader.kiosk`."""
