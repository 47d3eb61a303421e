"""``python -m desktop_uploader.endpoint``: run the signing endpoint locally in the foreground."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import sys
import threading
from types import FrameType

from .config import ConfigError, EndpointConfig
from .server import serve_in_thread


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m desktop_uploader.endpoint",
        description=(
            "Serve presigned S3 upload links: GET /sign?filekey=KEY&contentType=TYPE, POST /sign/batch, and "
            "Uppy Companion's S3 routes under /s3/. Settings come from environment variables (UPLOAD_BUCKET, ...)."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on; 0 picks a free one (default: 8080)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow listening on an address other people's machines can reach (set SHARED_TOKEN or a device table too)",
    )
    parser.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Even at DEBUG the libraries stay at WARNING: botocore's debug output includes request signatures,
    # and its INFO line about where it found credentials is noise here.
    for name in ("boto3", "botocore", "urllib3", "s3transfer"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"Refusing to listen on {args.host}: anyone who can reach it could get upload links "
            "for your bucket. Use --allow-remote (and set SHARED_TOKEN) if that is what you want.",
            file=sys.stderr,
        )
        return 2
    try:
        config = EndpointConfig.from_env(os.environ)
    except ConfigError as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return 2
    if not is_loopback(args.host) and not config.token_required:
        print(
            "Warning: listening beyond this machine without SHARED_TOKEN or a device table: anyone can get links.",
            file=sys.stderr,
        )

    try:
        running = serve_in_thread(config, host=args.host, port=args.port)
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    facts = ", ".join(f"{k}={v}" for k, v in config.describe().items())
    print(
        f"Signing endpoint on {running.url} (simple: {running.sign_url}; Companion: {running.url}/s3/)",
        file=sys.stderr,
    )
    print(f"Settings: {facts}", file=sys.stderr, flush=True)
    try:
        while not done.wait(0.5):
            pass
    finally:
        running.stop()
    print("Stopped.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
