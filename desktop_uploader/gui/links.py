"""Copy a link to uploaded files, or open one in the browser: the same two actions in the Queue and History.

Which link is made (public address, a download link for a day, the plain address) is core/sharing.py's
choice; making a download link reads the keychain, so it happens off the GUI thread. What was copied, and why
nothing could be, is said in the window's messages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication

from desktop_uploader.core.config import Profile
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.sharing import ADDRESS, PUBLIC, SIGNED, SharedLink, share_link
from desktop_uploader.gui.tasks import ErrorCallback, TaskRunner
from desktop_uploader.gui.widgets import make_action


@dataclass(frozen=True)
class Uploaded:
    """One file as the link actions see it."""

    profile: Profile | None
    key: str
    url: str  # the address its upload link named, when known
    done: bool  # uploaded: a link can be made


class LinkActions(QObject):
    told = Signal(str, int)  # a message for the window, and for how many milliseconds

    def __init__(self, parent: QObject, ops: TaskRunner, selection: Callable[[], Sequence[Uploaded]], *,
                 on_error: ErrorCallback, secrets: SecretStore | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._selection = selection
        self._on_error = on_error
        self._secrets = secrets
        self.act_copy = make_action(parent, "link", self.tr("Copy &link"), self.copy,
                                    tip=self.tr("Copy a link to the uploaded file that others can open"))
        self.act_open = make_action(parent, "open-link", self.tr("Open in &browser"), self.open)

    def update(self) -> None:
        """Enabled for uploaded files; otherwise the tooltip says why not."""
        items = list(self._selection())
        ready = bool(items) and all(item.done for item in items)
        for action in (self.act_copy, self.act_open):
            action.setEnabled(ready)
        reason = "" if ready or not items else self.tr("A link can be made once the file is uploaded.")
        self.act_copy.setToolTip(reason or self.tr("Copy a link to the uploaded file that others can open"))
        self.act_copy.setStatusTip(self.act_copy.toolTip())
        self.act_open.setToolTip(reason or self.tr("Open the uploaded file in the web browser"))
        self.act_open.setStatusTip(self.act_open.toolTip())

    def _links(self, items: Sequence[Uploaded]) -> list[SharedLink | None]:
        return [share_link(item.profile, item.key, item.url, secrets=self._secrets) for item in items]

    def copy(self) -> None:
        items = [item for item in self._selection() if item.done]
        if items:
            self._ops.submit(self._links, items, on_result=self._copied, on_error=self._on_error)

    def _copied(self, links: list[SharedLink | None]) -> None:
        found = [link for link in links if link is not None]
        if not found:
            self.told.emit(self._no_address(), 10000)
            return
        QGuiApplication.clipboard().setText("\n".join(link.url for link in found))
        kinds = {link.kind for link in found}
        count = len(found)
        if kinds == {PUBLIC}:
            text = self.tr("Copied the public address of {count} file(s).").format(count=count)
        elif SIGNED in kinds:
            text = self.tr("Copied a download link for {count} file(s); it works for 24 hours.").format(count=count)
        else:
            text = self.tr("Copied the address of {count} file(s). It opens only for people allowed to read the "
                           "storage.").format(count=count)
        if len(found) < len(links):
            text += " " + self._no_address()
        self.told.emit(text, 10000)

    def open(self) -> None:
        items = [item for item in self._selection() if item.done][:1]
        if items:
            self._ops.submit(self._links, items, on_result=self._open_first, on_error=self._on_error)

    def _open_first(self, links: list[SharedLink | None]) -> None:
        link = links[0] if links else None
        if link is None:
            self.told.emit(self._no_address(), 10000)
            return
        QDesktopServices.openUrl(QUrl(link.url))
        if link.kind == ADDRESS:
            self.told.emit(self.tr("Opened the file's address; it opens only for people allowed to read the "
                                   "storage."), 8000)

    def _no_address(self) -> str:
        return self.tr("No address is known for some of these files: they went through a signing service before "
                       "this version of the app kept addresses.")

