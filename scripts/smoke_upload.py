"""Upload through the built program: a local S3 server and signing endpoint, one small and one 2 MiB file.

Run by scripts/build_app.sh after the build, with the project's Python (for the servers only):

    python scripts/smoke_upload.py dist/desktop-uploader/desktop-uploader

The built program must sign, send and verify for real: a module the build left out (the command line
loads some by name) shows up here and not in --help.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from desktop_uploader.devserver import SeaweedServer
from desktop_uploader.endpoint import EndpointConfig, serve_in_thread

BUCKET = "smoke"


def main(app: str) -> int:
    with tempfile.TemporaryDirectory(prefix="du-smoke-") as tmp:
        root = Path(tmp)
        files = {"notes one.txt": b"field notes\n", "photo.jpg": os.urandom(2 * 1024 * 1024)}
        for name, data in files.items():
            (root / name).write_bytes(data)
        server = SeaweedServer(root / "s3", readonly_identity=False)
        server.start()
        try:
            server.create_bucket(BUCKET)
            config = EndpointConfig(bucket=BUCKET, s3_endpoint_url=server.endpoint_url, region=server.region,
                                    addressing_style="path", access_key=server.admin.access_key,
                                    secret_key=server.admin.secret_key)
            with serve_in_thread(config) as endpoint:
                started = time.monotonic()
                done = subprocess.run([app, "upload", *(str(root / n) for n in files), "--endpoint",
                                       endpoint.sign_url, "--prefix", "smoke/", "--json"],
                                      capture_output=True, text=True, timeout=120, check=False)
                took = time.monotonic() - started
                if done.returncode != 0:
                    print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
                    print(f"upload through the built program failed (exit status {done.returncode})",
                          file=sys.stderr)
                    return 1
                events = [json.loads(line) for line in done.stdout.splitlines()]
                uploaded = {e["key"] for e in events if e["event"] == "done"}
                client = server.client()
                for name, data in files.items():
                    key = f"smoke/{name}"
                    if key not in uploaded or client.get_object(Bucket=BUCKET, Key=key)["Body"].read() != data:
                        print(f"{key} is missing or differs on the server", file=sys.stderr)
                        return 1
        finally:
            server.stop()
    print(f"upload through the built program: {len(files)} files sent and verified in {took:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
