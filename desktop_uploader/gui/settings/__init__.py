"""Settings: where uploads go (profiles), how files are named there, and how the app behaves.

One class per tab, composed by :class:`SettingsDialog`. Profiles are saved through the config layer, which
never writes a secret; access keys and secret header values go straight to the system keychain and are
never read back into the dialog.
"""

from desktop_uploader.gui.settings.dialog import SettingsDialog

__all__ = ["SettingsDialog"]
