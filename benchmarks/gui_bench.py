"""Measure the window: launch time, adding 10,000 files, event-loop stalls during a big upload, memory.

    QT_QPA_PLATFORM=offscreen python benchmarks/gui_bench.py [--upload-mib 1024]

Targets (issue "The desktop GUI"): launch to window shown <= 1 s, add 10,000 files <= 1 s, p99 event-loop
stall while a 1 GiB upload runs at full speed <= 50 ms, RSS with 10,000 queued <= 150 MiB. The upload goes
through the reference signing endpoint to a local SeaweedFS server, both started here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_LAUNCH_CHILD = textwrap.dedent("""
    import sys, time
    t0 = float(sys.argv[1])
    from desktop_uploader.core.config import Config, Profile
    from desktop_uploader.gui.app import application, create_window
    app = application()
    config = Config.load()
    window = create_window(config)
    window.show()
    while window.windowHandle() is None or not window.windowHandle().isExposed() or not window.is_loaded:
        app.processEvents()
    app.processEvents()
    print(f"shown {time.time() - t0:.4f}", flush=True)
    window._quitting = True
    window.shutdown()
    window.engine.close()
""")


# The app as a user runs it, in its own process (no test servers in it): queue N files, report its RSS.
_RSS_CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from desktop_uploader.core.config import Config
    from desktop_uploader.gui.app import application, create_window
    folder, count = sys.argv[1], int(sys.argv[2])
    app = application()
    window = create_window(Config.load())  # the engine is not started: the queue, not uploads, is measured
    window.show()
    while not window.is_loaded:
        app.processEvents()
    window.add_paths([folder])
    end = time.monotonic() + 120
    while (window.model.rowCount() < count or window.adds.pending) and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    for _ in range(20):
        app.processEvents()
    status = Path("/proc/self/status").read_text().splitlines()
    print(next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024, window.model.rowCount())
    window._quitting = True
    window.shutdown()
    window.engine.close()
""")


def app_rss_with_queue(home: Path, folder: Path, count: int) -> tuple[float, int]:
    env = dict(os.environ, DESKTOP_UPLOADER_HOME=str(home), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", _RSS_CHILD, str(folder), str(count)], env=env, check=True,
                         capture_output=True, text=True, timeout=300).stdout.split()
    return float(out[-2]), int(out[-1])


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_launch(home: Path, runs: int) -> list[float]:
    env = dict(os.environ, DESKTOP_UPLOADER_HOME=str(home), PYTHONPATH=str(ROOT))
    times = []
    for _ in range(runs):
        start = time.time()
        out = subprocess.run([sys.executable, "-c", _LAUNCH_CHILD, repr(start)], env=env, check=True,
                             capture_output=True, text=True, timeout=120).stdout
        times.append(float(out.split()[-1]))
    return times


class StallMeter:
    """A timer that should fire every ``interval_ms``; lateness beyond that is time the loop was blocked."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import QTimer

        self.interval = interval_ms / 1000
        self.late: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(self._timer.timerType().PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._timer.start(interval_ms)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.late.append(max(0.0, now - self._last - self.interval))
        self._last = now

    def stop(self) -> dict[str, float]:
        self._timer.stop()
        data = sorted(self.late) or [0.0]
        return {"ticks": len(data), "p50_ms": 1000 * statistics.median(data),
                "p99_ms": 1000 * data[min(len(data) - 1, int(len(data) * 0.99))], "max_ms": 1000 * data[-1]}


def wait(app: object, condition: object, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > end:
            raise TimeoutError("benchmark step timed out")
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)


def main() -> int:
    parser = argparse.ArgumentParser(description="GUI benchmarks")
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--upload-mib", type=int, default=1024)
    parser.add_argument("--launch-runs", type=int, default=3)
    args = parser.parse_args()

    from desktop_uploader.core.config import Config, Profile, config_path
    from desktop_uploader.core.engine import EngineSettings
    from desktop_uploader.core.factory import open_engine
    from desktop_uploader.core.models import JobState
    from desktop_uploader.devserver import SeaweedServer
    from desktop_uploader.endpoint import EndpointConfig, serve_in_thread
    from desktop_uploader.gui.app import application
    from desktop_uploader.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="du-gui-bench-") as tmp:
        root = Path(tmp)
        home = root / "home"
        os.environ["DESKTOP_UPLOADER_HOME"] = str(home)
        server = SeaweedServer(root / "s3", readonly_identity=False)
        server.start()
        try:
            server.create_bucket("bench")
            endpoint_config = EndpointConfig(bucket="bench", s3_endpoint_url=server.endpoint_url,
                                             region=server.region, addressing_style="path",
                                             access_key=server.admin.access_key,
                                             secret_key=server.admin.secret_key)
            with serve_in_thread(endpoint_config) as endpoint:
                config = Config.load()
                config.put(Profile(name="bench", endpoint_url=endpoint.sign_url))
                config.save()

                launches = bench_launch(home, args.launch_runs)
                print(f"launch -> window shown: {min(launches):.3f} s best, "
                      f"{statistics.median(launches):.3f} s median of {len(launches)} (target <= 1 s)")

                app = application()
                rss_before = rss_mib()
                engine = open_engine(config, settings=EngineSettings(concurrency=4))
                window = MainWindow(engine, config)
                window.show()
                wait(app, lambda: window.is_loaded, 30)

                many = root / "many"
                many.mkdir()
                for i in range(args.files):
                    (many / f"file-{i:05d}.txt").write_bytes(b"x")
                meter = StallMeter()
                start = time.perf_counter()
                window.add_paths([str(many)])
                wait(app, lambda: window.model.rowCount() == args.files, 120)
                shown = time.perf_counter() - start
                wait(app, lambda: window.adds.pending == 0, 120)
                stalls = meter.stop()
                print(f"add {args.files:,} files: rows shown after {shown:.3f} s (target <= 1 s); "
                      f"event loop while adding: p99 {stalls['p99_ms']:.0f} ms, max {stalls['max_ms']:.0f} ms")
                for _ in range(20):
                    app.processEvents()
                print(f"RSS of this benchmark process with {args.files:,} queued: {rss_mib():.0f} MiB "
                      f"(before the window: {rss_before:.0f} MiB; it also hosts the endpoint and S3 clients)")
                # A home of its own with the same settings, so the app starts with an empty queue.
                settings_file = config_path()
                app_settings = root / "app-home" / settings_file.relative_to(home)
                app_settings.parent.mkdir(parents=True)
                shutil.copyfile(settings_file, app_settings)
                rss, rows = app_rss_with_queue(root / "app-home", many, args.files)
                print(f"RSS of the app alone (own process) with {rows:,} queued: {rss:.0f} MiB (target <= 150 MiB)")

                # Take the small files out of the way, then time one big upload.
                window.model.remove_ids(window.model.job_ids())
                engine.remove([j.id for j in engine.jobs()])
                big = root / "big.bin"
                chunk = os.urandom(8 * 1024 * 1024)
                with open(big, "wb") as fh:
                    for _ in range(max(1, args.upload_mib // 8)):
                        fh.write(chunk)
                engine.start()
                meter = StallMeter()
                start = time.perf_counter()
                window.add_paths([str(big)])
                wait(app, lambda: window.model.rowCount() == 1 and
                     window.model.row_at(0).state in (JobState.DONE, JobState.FAILED), 600)
                took = time.perf_counter() - start
                stalls = meter.stop()
                state = window.model.row_at(0).state.value
                size_mib = big.stat().st_size / 2**20
                print(f"upload {size_mib:.0f} MiB: {state} in {took:.1f} s ({size_mib / took:.0f} MiB/s); "
                      f"event-loop lateness p50 {stalls['p50_ms']:.1f} ms, p99 {stalls['p99_ms']:.1f} ms, "
                      f"max {stalls['max_ms']:.1f} ms over {stalls['ticks']} ticks (target p99 <= 50 ms)")
                window._quitting = True
                window.shutdown()
                engine.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
