"""What the operating system says about the network (QNetworkInformation), where it says anything.

It is a hint, not the truth: "online" does not mean the signing service answers (captive Wi-Fi, a dead
uplink), so kiosk mode only uses it to check reachability at once when the network changes, and kiosk mode
and the window use it for "metered" (mobile data, a phone's hotspot), which no reachability check can tell.
Platforms without a backend simply report nothing and the real check carries on alone.
"""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtNetwork import QNetworkInformation

log = logging.getLogger(__name__)


def medium_name(medium: QNetworkInformation.TransportMedium) -> str:
    """The medium in words for the status line; empty for one without a name."""
    names = {
        QNetworkInformation.TransportMedium.Ethernet: QCoreApplication.translate("SystemNetwork", "wired"),
        QNetworkInformation.TransportMedium.WiFi: QCoreApplication.translate("SystemNetwork", "Wi-Fi"),
        QNetworkInformation.TransportMedium.Cellular: QCoreApplication.translate("SystemNetwork", "mobile data"),
        QNetworkInformation.TransportMedium.Bluetooth: QCoreApplication.translate("SystemNetwork", "Bluetooth"),
    }
    return names.get(medium, "")


class SystemNetwork(QObject):
    changed = Signal()  # reachability, metered or the medium changed

    def __init__(self, parent: QObject | None = None, *, load: bool = True) -> None:
        super().__init__(parent)
        self._info: QNetworkInformation | None = None
        if load:
            self._load()

    def _load(self) -> None:
        info = QNetworkInformation.instance()
        if info is None:
            features = QNetworkInformation.Feature.Reachability
            if not QNetworkInformation.loadBackendByFeatures(features):
                log.debug("no network information backend on this platform")
                return
            info = QNetworkInformation.instance()
        if info is None:
            return
        self._info = info
        info.reachabilityChanged.connect(self._changed)
        info.isMeteredChanged.connect(self._changed)
        info.transportMediumChanged.connect(self._changed)
        log.debug("network information from the '%s' backend", info.backendName())

    def _changed(self, *_args: object) -> None:
        self.changed.emit()

    @property
    def available(self) -> bool:
        return self._info is not None

    @property
    def reachable(self) -> bool | None:
        """False if the system knows there is no network at all; None when it cannot tell."""
        if self._info is None:
            return None
        state = self._info.reachability()
        if state == QNetworkInformation.Reachability.Disconnected:
            return False
        if state == QNetworkInformation.Reachability.Unknown:
            return None
        return True

    @property
    def metered(self) -> bool | None:
        """True on connections the system reports as metered; None where it cannot tell."""
        if self._info is None or not self._info.supports(QNetworkInformation.Feature.Metered):
            return None
        return bool(self._info.isMetered())

    @property
    def medium(self) -> str:
        if self._info is None:
            return ""
        return medium_name(self._info.transportMedium())

    def close(self) -> None:
        if self._info is not None:
            for signal in (self._info.reachabilityChanged, self._info.isMeteredChanged,
                           self._info.transportMediumChanged):
                with contextlib.suppress(RuntimeError, TypeError):
                    signal.disconnect(self._changed)
            self._info = None
