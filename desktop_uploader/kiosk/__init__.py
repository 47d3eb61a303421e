"""Kiosk mode's Qt-free wing: its settings and policy, watch folders, the admin PIN, the install's identity
and the reachability check. The widgets that show it live in :mod:`desktop_uploader.gui.kiosk`; the upload
engine in :mod:`desktop_uploader.core` knows nothing of kiosk mode."""
