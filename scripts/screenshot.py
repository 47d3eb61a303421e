"""Make the pictures in docs/: the real window uploading to a local S3 server through the signing endpoint
(screenshot.png), a failure's details (screenshot-details.png), Settings (screenshot-settings.png) and kiosk
mode (screenshot-kiosk.png).

Run under a virtual X server so the real xcb platform (fonts, style, high-DPI handling) is used:

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" python scripts/screenshot.py

A small throttling proxy sits in front of the S3 server so that some uploads are still running when the
picture is taken; one file is deleted after it was queued so the picture also shows a failure and its
plain-language explanation.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class ThrottlingProxy:
    """Forwards TCP connections to ``target``, sending client->server bytes at ``rate`` bytes per second."""

    def __init__(self, target: tuple[str, int], rate: int) -> None:
        self.target = target
        self.rate = rate
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, server, self.rate), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, None), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket, rate: int | None) -> None:
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    break
                dst.sendall(data)
                if rate:
                    time.sleep(len(data) / rate)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):  # the other side may be gone already
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop.set()
        self.listener.close()


def _sample_files(folder: Path) -> tuple[list[Path], Path]:
    survey = folder / "Field survey 2024"
    (survey / "photos").mkdir(parents=True)
    for i, name in enumerate(["north shore.jpg", "pier 3.jpg", "dunes at dawn.jpg", "sample site B.jpg"]):
        (survey / "photos" / name).write_bytes(os.urandom(180_000 + 40_000 * i))
    (survey / "notes.txt").write_text("Water level 1.32 m at 06:40.\n", encoding="utf-8")
    (survey / "measurements.csv").write_text("id,lat,lon,depth\n1,52.1,4.3,1.2\n", encoding="utf-8")
    (survey / "drone flight 1.mp4").write_bytes(os.urandom(48 * 1024 * 1024))
    (survey / "drone flight 2.mp4").write_bytes(os.urandom(36 * 1024 * 1024))
    vanishing = folder / "draft report.docx"
    vanishing.write_bytes(os.urandom(50_000))
    return [survey, vanishing], vanishing


def _until(app: Any, condition: Callable[[], object], limit: float = 60) -> None:
    end = time.monotonic() + limit
    while not condition() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _save(widget: Any, out: Path) -> None:
    from PySide6.QtWidgets import QApplication

    out.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(out))
    print(f"wrote {out} ({widget.width()}x{widget.height()}, platform {QApplication.platformName()})")


def window_pictures(app: Any, home: Path, sign_url: str, docs: Path, main_picture: Path) -> None:
    """The window mid-upload with a failed row, that failure's details, and Settings."""
    from desktop_uploader.core.config import Config, Profile
    from desktop_uploader.core.engine import EngineSettings
    from desktop_uploader.core.factory import open_engine
    from desktop_uploader.core.models import JobState
    from desktop_uploader.core.secrets import SecretStore
    from desktop_uploader.gui.main_window import MainWindow
    from desktop_uploader.gui.settings import SettingsDialog

    settings = Config.load()
    settings.put(Profile(name="Field team archive", endpoint_url=sign_url, key_template="{date}/{relpath}",
                         prefix="survey-2024"))
    settings.put(Profile(name="Lab bucket", kind="local", bucket="field-data", region="eu-west-1",
                         prefix="incoming"))
    settings.default_profile = "Field team archive"
    settings.save()
    engine = open_engine(settings, settings=EngineSettings(concurrency=3))
    window = MainWindow(engine, settings)
    window.resize(1180, 660)
    window.show()
    paths, vanishing = _sample_files(home / "files")
    added: list[bool] = []
    window.adding_finished.connect(lambda _result: added.append(True))
    window.add_paths([str(p) for p in paths])
    _until(app, lambda: added)
    vanishing.unlink()  # queued, then gone: its row shows why it failed
    engine.start()
    rows = window.model.rows
    _until(app, lambda: sum(r.state is JobState.DONE for r in rows()) >= 6 and
           any(r.state is JobState.FAILED for r in rows()) and
           any(r.state is JobState.UPLOADING and r.fraction > 0.25 for r in rows()))
    failed = next((r for r in rows() if r.state is JobState.FAILED), None)
    _until(app, lambda: False, 0.6)  # let speeds settle and the last paint land
    _save(window, main_picture)
    if failed is not None:
        details = window.queue_tab.show_details(failed.job_id)
        if details is not None:
            details.resize(720, 620)
            _until(app, lambda: False, 0.3)
            _save(details, docs / "screenshot-details.png")
            details.close()
    dialog = SettingsDialog(settings, SecretStore(), window)
    dialog.tabs.setCurrentWidget(dialog.names)
    dialog.show()
    dialog.test_connection()  # its result, and what it found, as a person sees them
    _until(app, lambda: dialog.last_check is not None)
    _until(app, lambda: False, 0.3)
    _save(dialog, docs / "screenshot-settings.png")
    dialog.reject()
    window._quitting = True
    window.shutdown()
    engine.close(timeout=2)
    window.close()


def kiosk_picture(app: Any, home: Path, sign_url: str, docs: Path) -> None:
    """Kiosk mode sending what lands in a watched folder (not full screen, to fit the picture)."""
    from desktop_uploader.core.config import Config, Profile
    from desktop_uploader.core.factory import open_engine
    from desktop_uploader.core.locked import LockedConfig
    from desktop_uploader.gui.kiosk.controller import KioskController
    from desktop_uploader.gui.kiosk.window import KioskWindow
    from desktop_uploader.kiosk.identity import IdentityStore
    from desktop_uploader.kiosk.pin import PinStore
    from desktop_uploader.kiosk.settings import KioskSettings

    card = home / "card" / "DCIM"
    card.mkdir(parents=True)
    config = Config.load()
    config.put(Profile(name="Site 4 photos", endpoint_url=sign_url, prefix="site-4"))
    config.default_profile = "Site 4 photos"
    config.save()
    settings = KioskSettings(profile="Site 4 photos", watch_folders=[str(card)], stable_seconds=0.5,
                             device_name="field-tablet-07", ask_operator=False)
    identity = IdentityStore(device_override=settings.device_name)
    identity.set_operator("Ana")
    engine = open_engine(config, profile=settings.profile)
    controller = KioskController(engine, config, settings, identity)
    pins = PinStore()
    pins.set_pin("2468")
    window = KioskWindow(controller, pins=pins, user_config=config, locked=LockedConfig(), fullscreen=False)
    window.resize(1180, 760)
    window.show()
    controller.start()
    controller.start_watching()
    for i, size in enumerate((900_000, 1_400_000, 700_000, 2_100_000)):
        (card / f"IMG_{4100 + i}.JPG").write_bytes(os.urandom(size))
    _until(app, lambda: controller.status.waiting + controller.status.sending == 0
           and window.model.rowCount() >= 4, 60)
    (card / "IMG_4104.JPG").write_bytes(os.urandom(3_000_000))  # the next photo, on its way
    _until(app, lambda: controller.status.sending > 0 or controller.status.waiting > 0, 20)
    _until(app, lambda: False, 0.5)
    _save(window, docs / "screenshot-kiosk.png")
    controller.shutdown()
    engine.close(timeout=2)
    window._quit_authorised = True
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "docs" / "screenshot.png"))
    args = parser.parse_args()
    main_picture = Path(args.output)
    docs = main_picture.parent

    from desktop_uploader.devserver import SeaweedServer
    from desktop_uploader.endpoint import EndpointConfig, serve_in_thread
    from desktop_uploader.gui.app import application

    with tempfile.TemporaryDirectory(prefix="du-screenshot-") as tmp:
        home = Path(tmp)
        os.environ["DESKTOP_UPLOADER_HOME"] = str(home / "app")
        server = SeaweedServer(home / "s3", readonly_identity=False)
        server.start()
        proxy = ThrottlingProxy(("127.0.0.1", server.port), rate=2 * 1024 * 1024)
        try:
            server.create_bucket("field-data")
            config = EndpointConfig(bucket="field-data", s3_endpoint_url=f"http://127.0.0.1:{proxy.port}",
                                    region=server.region, addressing_style="path",
                                    access_key=server.admin.access_key, secret_key=server.admin.secret_key)
            with serve_in_thread(config) as endpoint:
                app = application()
                window_pictures(app, home, endpoint.sign_url, docs, main_picture)
                kiosk_picture(app, home, endpoint.sign_url, docs)
        finally:
            proxy.close()
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
