"""Notifications through the desktop's notification service (org.freedesktop.Notifications on D-Bus).

Used when there is no tray icon to show a balloon from: GNOME without the AppIndicator extension, tiling
window managers with a notification daemon but no tray. Where there is no such service either, the window
shows the notice itself (see notices.py).

jeepney (already there for the keychain) speaks D-Bus here because the call needs exact argument types
(``replaces_id`` is an unsigned int, hints a dict of variants), which QtDBus cannot express from Python.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
_TIMEOUT = 1.0  # seconds; the bus is local, a slow answer means nobody is there to show it


def notify(app_name: str, title: str, text: str, *, urgent: bool = False, expire_ms: int = 8000) -> bool:
    """Show a notification on the session bus's notification service; False where there is none."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg
    except ImportError:
        return False
    address = DBusAddress(PATH, bus_name=SERVICE, interface=INTERFACE)
    hints = {"urgency": ("y", 2 if urgent else 1), "desktop-entry": ("s", "desktop-uploader")}
    message = new_method_call(address, "Notify", "susssasa{sv}i",
                              (app_name, 0, "desktop-uploader", title, text, [], hints, expire_ms))
    try:
        with open_dbus_connection(bus="SESSION") as connection:
            owner = connection.send_and_get_reply(message_bus.NameHasOwner(SERVICE), timeout=_TIMEOUT)
            if not owner.body[0]:
                return False
            unwrap_msg(connection.send_and_get_reply(message, timeout=_TIMEOUT))
    except Exception as exc:  # no session bus, a refused call, a timeout: the window shows the notice
        log.info("desktop notification not shown: %s", exc)
        return False
    return True
