"""One running app per user: a later launch hands its paths to the running one over a private local socket.

The first instance listens on a per-user :class:`QLocalServer`; a later ``desktop-uploader PATH...``
connects, sends one versioned JSON message (see :mod:`desktop_uploader.gui.handoff`) and exits. The
running instance answers, and emits :attr:`InstanceServer.paths_received` once per burst, so the many
launches some file managers make for one selection arrive as one batch.

Privacy: on Unix the socket lives in a directory only the user can enter (``$XDG_RUNTIME_DIR`` or a 0700,
ownership-checked directory in the temp folder) and is itself created with ``UserAccessOption``; on Windows
the named pipe gets the same option, which limits it to the user.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Sequence

from PySide6.QtCore import QElapsedTimer, QLockFile, QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from desktop_uploader.gui.handoff import (
    MAX_MESSAGE_BYTES,
    HandoffMessage,
    MessageError,
    decode_message,
    encode_message,
    encode_reply,
    send_to_running_instance,
    socket_name,
)

__all__ = [
    "InstanceServer",
    "MessageError",
    "claim_or_hand_off",
    "decode_message",
    "encode_message",
    "send_to_running_instance",
    "socket_name",
]

log = logging.getLogger(__name__)

# Launches closer together than this are one batch; a steady stream is still cut after MAX_COALESCE_MS so
# the window never waits long.
COALESCE_MS = 300
MAX_COALESCE_MS = 2000
# A connection that has not sent a whole message by then is dropped, so a stuck peer cannot pin memory.
CONNECTION_TIMEOUT_MS = 10_000


def _lock_path(name: str) -> str:
    if sys.platform == "win32":
        return os.path.join(tempfile.gettempdir(), f"{name}.lock")
    return f"{name}.lock"  # beside the socket, in the private directory


def _server_answers(name: str, timeout_ms: int) -> bool:
    probe = QLocalSocket()
    probe.connectToServer(name)
    alive = probe.waitForConnected(timeout_ms)
    probe.abort()
    return alive


# ---------------------------------------------------------------------------------------------- server


class _Connection(QObject):
    """One peer: collects bytes up to the first newline, then hands the line to the server."""

    def __init__(self, sock: QLocalSocket, server: InstanceServer) -> None:
        super().__init__(server)
        self._sock = sock
        self._server = server
        self._buffer = bytearray()
        self._done = False
        sock.setParent(self)
        sock.readyRead.connect(self._read)
        sock.disconnected.connect(self._on_disconnected)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._give_up)
        self._timer.start(CONNECTION_TIMEOUT_MS)

    def _read(self) -> None:
        if self._done:
            self._sock.readAll()
            return
        self._buffer += self._sock.readAll().data()
        newline = self._buffer.find(b"\n")
        if newline >= 0:
            self._finish(bytes(self._buffer[: newline + 1]))
        elif len(self._buffer) > MAX_MESSAGE_BYTES:
            self._finish(None, "The message is too large.")

    def _on_disconnected(self) -> None:
        # A launcher that timed out before the app's event loop ran has already gone; its message is still
        # in the socket, and is read here.
        if not self._done:
            self._buffer += self._sock.readAll().data()
            if self._buffer:
                self._finish(bytes(self._buffer))
        self._close()

    def _give_up(self) -> None:
        if not self._done:
            log.debug("Dropping an instance connection that sent no whole message.")
            self._done = True
        self._close()

    def _finish(self, line: bytes | None, error: str | None = None) -> None:
        self._done = True
        if line is not None:
            try:
                message = decode_message(line)
            except MessageError as exc:
                error = str(exc)
            else:
                self._server._accept(message)
        if error is not None:
            log.warning("Ignoring a message from another launch: %s", error)
        if self._sock.state() == QLocalSocket.LocalSocketState.ConnectedState:
            self._sock.write(encode_reply(error))
            self._sock.disconnectFromServer()  # graceful: the reply is written first
        else:
            self._close()

    def _close(self) -> None:
        self._timer.stop()
        if self._sock.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            self._sock.abort()
        self._server._forget(self)
        self.deleteLater()


class InstanceServer(QObject):
    """Listens for later launches of the app and emits the paths they hand over.

    :attr:`paths_received` carries the absolute paths of one burst of launches, without duplicates, in the
    order they arrived. It is emitted with an empty list for a launch without paths: the window should
    come to the front either way.
    """

    paths_received = Signal(list)

    def __init__(self, parent: QObject | None = None, *, name: str | None = None,
                 coalesce_ms: int = COALESCE_MS, max_coalesce_ms: int = MAX_COALESCE_MS) -> None:
        super().__init__(parent)
        self._name = name
        self._coalesce_ms = coalesce_ms
        self._max_coalesce_ms = max_coalesce_ms
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)
        self._connections: set[_Connection] = set()
        self._pending: dict[str, None] = {}
        self._have_pending = False
        self._since_first = QElapsedTimer()
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)

    @property
    def name(self) -> str:
        if self._name is None:
            self._name = socket_name()
        return self._name

    def is_listening(self) -> bool:
        return self._server.isListening()

    def listen(self) -> bool:
        """Become this user's running instance; ``False`` if another one already is (or no socket can be made).

        Checking for a live instance, removing a stale socket and listening happen under a lock file, so of
        several launches starting together exactly one wins and the others see it.
        """
        if self._server.isListening():
            return True
        try:
            name = self.name
        except OSError as exc:
            log.warning("%s", exc)
            return False
        lock = QLockFile(_lock_path(name))
        if not lock.tryLock(5000):
            log.warning("Could not lock %s: %s", _lock_path(name), lock.error())
            return False
        try:
            # Probing first matters on Windows, where a second pipe server of the same name is allowed.
            if _server_answers(name, 1000):
                return False
            if self._server.listen(name):
                return True
            if self._server.serverError() == QAbstractSocket.SocketError.AddressInUseError:
                # Left behind by an instance that crashed: nobody answered above.
                QLocalServer.removeServer(name)
                if self._server.listen(name):
                    return True
            log.warning("Cannot listen on %s: %s", name, self._server.errorString())
            return False
        finally:
            lock.unlock()

    def close(self) -> None:
        """Stop listening and remove the socket; paths already accepted are emitted first."""
        self.flush()
        self._server.close()
        for connection in list(self._connections):
            connection._close()

    def flush(self) -> None:
        """Emit what has been collected so far (the coalescing timer does this on its own)."""
        self._flush_timer.stop()
        if not self._have_pending:
            return
        batch = list(self._pending)
        self._pending.clear()
        self._have_pending = False
        self.paths_received.emit(batch)

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            if sock is not None:
                self._connections.add(_Connection(sock, self))

    def _forget(self, connection: _Connection) -> None:
        self._connections.discard(connection)

    def _accept(self, message: HandoffMessage) -> None:
        if not self._have_pending:
            self._have_pending = True
            self._since_first.start()
        for path in message.paths:
            self._pending.setdefault(path, None)
        waited = int(self._since_first.elapsed())
        self._flush_timer.start(max(0, min(self._coalesce_ms, self._max_coalesce_ms - waited)))


def claim_or_hand_off(paths: Sequence[str], cwd: str, *, parent: QObject | None = None,
                      attempts: int = 3) -> InstanceServer | None:
    """Hand ``paths`` to the running app and return ``None`` (this launch is done), or become the running app.

    Call it before building the window, so that launches made while this one starts up find it. The
    returned server is listening, unless no private socket could be made or a running app refused the
    paths (an older version still running after an upgrade): the caller then runs without handoff, and
    the user's files are still queued, in a second window.
    """
    for _ in range(attempts):
        if send_to_running_instance(paths, cwd):
            return None
        server = InstanceServer(parent)
        if server.listen():
            return server
        # Lost the race to a launch that started at the same time, or a running app refused: ask again.
        server.setParent(None)
    return InstanceServer(parent)
