"""What the window does when the system's network changes: it tells the engine, which tries unreachable
destinations again at once and reads the proxy settings again, and it holds the uploads back on a metered
connection while the user asked for that (Settings, General)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop_uploader.core.engine import Engine
from desktop_uploader.gui.network import SystemNetwork
from desktop_uploader.gui.tasks import ErrorCallback, TaskRunner

METERED = "metered"  # why the engine holds the uploads back: Engine.hold()


class NetworkFollower(QObject):
    metered_changed = Signal(bool)  # whether the uploads now wait for a network that is not metered

    def __init__(self, engine: Engine, ops: TaskRunner, *, wait_when_metered: Callable[[], bool],
                 on_error: ErrorCallback, network: SystemNetwork | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.network = network if network is not None else SystemNetwork(self)
        self._ops = ops
        self._wait_when_metered = wait_when_metered
        self._on_error = on_error
        self.network.changed.connect(self._changed)

    def _changed(self) -> None:
        self.apply()
        # Off the window's thread: reading the system's proxy settings may take a moment.
        self._ops.submit(self.engine.network_changed, on_error=self._on_error)

    def apply(self) -> None:
        """Hold or release the uploads for the network as it is and the setting as it is now."""
        metered = self._wait_when_metered() and self.network.metered is True
        if metered and self.engine.held is None:
            self.engine.hold(METERED)
        elif not metered and self.engine.held == METERED:
            self.engine.release()
        self.metered_changed.emit(metered)

    def close(self) -> None:
        self.network.close()
