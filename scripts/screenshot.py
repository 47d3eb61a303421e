"""Make docs/screenshot.png: the real window, uploading to a local S3 server through the signing endpoint.

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
from pathlib import Path

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(ROOT / "docs" / "screenshot.png"))
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from desktop_uploader.core.config import Config, Profile
    from desktop_uploader.core.engine import EngineSettings
    from desktop_uploader.core.factory import open_engine
    from desktop_uploader.core.models import JobState
    from desktop_uploader.devserver import SeaweedServer
    from desktop_uploader.endpoint import EndpointConfig, serve_in_thread
    from desktop_uploader.gui.app import application
    from desktop_uploader.gui.main_window import MainWindow

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
                settings = Config.load()
                settings.put(Profile(name="Field team archive", endpoint_url=endpoint.sign_url,
                                     key_template="{date}/{relpath}"))
                settings.save()
                engine = open_engine(settings, settings=EngineSettings(concurrency=3))
                window = MainWindow(engine, settings)
                window.resize(1180, 640)
                window.show()
                paths, vanishing = _sample_files(home / "files")
                added: list[bool] = []
                window.adding_finished.connect(lambda _result: added.append(True))
                window.add_paths([str(p) for p in paths])
                deadline = time.monotonic() + 60

                def until(condition: object, limit: float = 60) -> None:
                    end = time.monotonic() + limit
                    while not condition() and time.monotonic() < min(end, deadline):  # type: ignore[operator]
                        app.processEvents()
                        time.sleep(0.01)

                until(lambda: added)
                vanishing.unlink()  # queued, then gone: its row shows why it failed
                engine.start()
                rows = window.model.rows
                until(lambda: sum(r.state is JobState.DONE for r in rows()) >= 6 and
                      any(r.state is JobState.FAILED for r in rows()) and
                      any(r.state is JobState.UPLOADING and r.fraction > 0.25 for r in rows()))
                failed = next((r for r in rows() if r.state is JobState.FAILED), None)
                if failed is not None:
                    window.queue_tab.select_job(failed.job_id)
                until(lambda: False, 0.6)  # let speeds settle and the last paint land
                out = Path(args.output)
                out.parent.mkdir(parents=True, exist_ok=True)
                window.grab().save(str(out))
                print(f"wrote {out} ({window.width()}x{window.height()}, "
                      f"platform {QApplication.platformName()})")
                window._quitting = True
                window.shutdown()
                engine.close(timeout=2)
                window.close()
        finally:
            proxy.close()
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
