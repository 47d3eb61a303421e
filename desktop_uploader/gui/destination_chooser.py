"""Where the next dropped files go: the destination to choose, and the place in the storage it puts them.

It sits in the drop zone, so the answer to "where will this go?" is on screen before anything is dropped.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from desktop_uploader.core.config import KIND_LOCAL, Config, Profile


def place_of(profile: Profile) -> str:
    """The place in the storage a destination puts files: bucket and folder, or the signing service's
    host and the folder, for people to read."""
    folder = profile.prefix.strip("/")
    folder = folder + "/" if folder else ""
    if profile.kind == KIND_LOCAL:
        server = urlsplit(profile.s3_endpoint_url).hostname if profile.s3_endpoint_url else ""
        where = f"{profile.bucket}/{folder}"
        return f"{where} ({server})" if server else where
    host = urlsplit(profile.endpoint_url).hostname or profile.endpoint_url
    if folder:
        return QCoreApplication.translate("DestinationChooser", "{folder} (through {host})").format(
            folder=folder, host=host)
    return QCoreApplication.translate("DestinationChooser", "the place {host} chooses").format(host=host)


def destination_words(profile: Profile) -> str:
    """“Name” → place, as the window says where files went or are going."""
    return QCoreApplication.translate("DestinationChooser", "“{name}” → {place}").format(
        name=profile.name, place=place_of(profile))


class DestinationChooser(QWidget):
    changed = Signal(str)  # the chosen destination's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config: Config | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(self.tr("Upload &to:"))
        self.combo = QComboBox()
        self.combo.setAccessibleName(self.tr("Destination"))
        self.combo.view().setAccessibleName(self.tr("Destination"))  # its drop-down list
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        caption.setBuddy(self.combo)
        self.place = QLabel()
        self.place.setAccessibleName(self.tr("Place in the storage"))
        self.place.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(caption)
        layout.addWidget(self.combo)
        layout.addWidget(self.place, 1)
        self.combo.currentIndexChanged.connect(self._on_index)

    def set_config(self, config: Config, chosen: str | None = None) -> None:
        """Offer ``config``'s destinations; ``chosen`` (else the one chosen before, else the default) is
        selected."""
        previous = chosen or self.current_name() or config.default_profile
        self._config = config
        self.combo.blockSignals(True)
        self.combo.clear()
        for name in sorted(config.profiles):
            label = name + (self.tr(" (default)") if name == config.default_profile else "")
            self.combo.addItem(label, name)
        index = self.combo.findData(previous)
        if index < 0:
            index = self.combo.findData(config.default_profile)
        self.combo.setCurrentIndex(max(index, 0) if self.combo.count() else -1)
        self.combo.blockSignals(False)
        self.setVisible(bool(config.profiles))
        self._show_place()
        self.changed.emit(self.current_name() or "")

    def current_name(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data else None

    def select(self, name: str) -> None:
        index = self.combo.findData(name)
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def _on_index(self, _index: int) -> None:
        self._show_place()
        self.changed.emit(self.current_name() or "")

    def _show_place(self) -> None:
        name = self.current_name()
        profile = self._config.profiles.get(name) if self._config is not None and name else None
        self.place.setText("→ " + place_of(profile) if profile is not None else "")
        self.place.setToolTip(self.tr("Dropped files are stored here; folders keep their own names below it."))
