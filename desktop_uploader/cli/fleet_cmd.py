"""`desktop-uploader fleet status|add-device|revoke-device|enable-device`, and importing provisioning files.

fleet status           every device's status object as a table, --json, or a self-contained --html page
fleet add-device NAME  a new device key (printed once) in the device table, and the device's provisioning file
fleet revoke-device    disable one device's key; the other devices keep working
fleet enable-device    enable it again
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from desktop_uploader.cli.common import EXIT_OK, UsageError, load_config, load_profile, read_secret
from desktop_uploader.core import secrets as sec
from desktop_uploader.core.config import KIND_LOCAL, PROTOCOL_COMPANION, PROTOCOL_SIMPLE
from desktop_uploader.kiosk.provisioning import (
    TOKEN_HEADER,
    Provisioning,
    ProvisioningError,
    forget_token,
    make_provisioning,
    write_json,
)

TABLE_ENV = "DEVICE_TABLE_FILE"
DEFAULT_STATUS_PREFIX = "_devices/"


def register_actions(fsub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    st = fsub.add_parser("status", help="show every device's last status: who sent what, when",
                         description="Reads the devices' status objects with a local-signing profile whose "
                                     "credentials may list and read the bucket.")
    st.add_argument("--profile", required=True, help="local-signing profile that may list and read the bucket")
    st.add_argument("--prefix", default=DEFAULT_STATUS_PREFIX, help="where status objects are (default: %(default)s)")
    st.add_argument("--stale", default="24h", metavar="DURATION",
                    help="mark devices silent for longer than this, e.g. 90m, 24h, 7d (default: %(default)s)")
    st.add_argument("--device-table", metavar="FILE", help="also show revoked devices and those never heard of")
    st.add_argument("--json", action="store_true", help="print JSON instead of a table")
    st.add_argument("--html", metavar="FILE", help="also write a self-contained HTML page to FILE")
    st.set_defaults(func=run_status)

    add = fsub.add_parser("add-device", help="create a key for a new device and its provisioning file")
    add.add_argument("name", metavar="NAME", help="the device's name: letters, digits, '.', '_' or '-'")
    add.add_argument("--endpoint", required=True, metavar="URL", help="the signing endpoint's URL (…/sign)")
    _table_option(add)
    add.add_argument("--prefix", help="where the device's files go (default: uploads/NAME/)")
    add.add_argument("--status-prefix", default=DEFAULT_STATUS_PREFIX,
                     help="where its status object goes (default: %(default)s)")
    add.add_argument("--protocol", choices=(PROTOCOL_SIMPLE, PROTOCOL_COMPANION), default=PROTOCOL_SIMPLE)
    add.add_argument("--profile-name", default="fleet", help="the profile's name on the device (default: %(default)s)")
    add.add_argument("--out", metavar="FILE", help="provisioning file to write (default: NAME.provisioning.json)")
    add.add_argument("--one-time-file", action="store_true",
                     help="put the key into the provisioning file too; importing it removes the key again")
    add.add_argument("--force", action="store_true", help="replace the provisioning file if it exists")
    add.set_defaults(func=run_add_device)

    for action, enabled, text in (("revoke-device", False, "disable a device's key (the others keep working)"),
                                  ("enable-device", True, "enable a revoked device's key again")):
        p = fsub.add_parser(action, help=text)
        p.add_argument("name", metavar="NAME")
        _table_option(p)
        p.set_defaults(func=run_set_enabled, enabled=enabled)


def _table_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--table", metavar="FILE", default=os.environ.get(TABLE_ENV),
                        help=f"the endpoint's device table (default: ${TABLE_ENV})")


def _table_path(args: argparse.Namespace) -> Path:
    if not args.table:
        raise UsageError(f"Name the device table with --table FILE (or set {TABLE_ENV}).")
    return Path(args.table)


# -- status -----------------------------------------------------------------------------------------------
def run_status(args: argparse.Namespace) -> int:
    from desktop_uploader.core.failure import UploadError
    from desktop_uploader.core.signers.local import LocalSigner
    from desktop_uploader.kiosk import fleet_report as report

    try:
        stale_after = report.parse_duration(args.stale)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    devices = _devices_by_status_key(Path(args.device_table)) if args.device_table else None
    _, profile = load_profile(args.profile, effective=True)
    if profile.kind != KIND_LOCAL:
        raise UsageError(f"Profile '{profile.name}' signs through an endpoint; fleet status needs a local-signing "
                         "profile whose credentials may list and read the bucket.")
    try:
        client = LocalSigner(profile, sec.SecretStore()).client
        objects = report.read_status_objects(client, profile.bucket, args.prefix)
    except UploadError as exc:
        raise UsageError(exc.failure.message) from None
    except Exception as exc:  # botocore's errors: access denied, no such bucket, unreachable
        raise UsageError(f"The status objects cannot be read from '{profile.bucket}': {_boto_reason(exc)}") from None
    now = time.time()
    rows = report.build_rows(objects, now=now, stale_after=stale_after, devices=devices)
    if args.html:
        Path(args.html).write_text(report.render_html(rows, now=now, stale_after=stale_after), encoding="utf-8")
    if args.json:
        print(json.dumps(report.render_json(rows, now=now, stale_after=stale_after, prefix=args.prefix), indent=2))
    else:
        print(report.render_table(rows, now))
        if args.html:
            print(f"Page written to {args.html}.")
    return EXIT_OK


def _boto_reason(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        return f"{error.get('Code', '')} {error.get('Message', '')}".strip() or type(exc).__name__
    return str(exc) or type(exc).__name__


def _devices_by_status_key(path: Path) -> dict[str, tuple[str, bool]]:
    from desktop_uploader.endpoint.config import ConfigError
    from desktop_uploader.endpoint.devices import read_table_file

    try:
        table = read_table_file(path)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return {d.status_key: (d.name, d.enabled) for d in table.devices}


# -- the device table -------------------------------------------------------------------------------------
def run_add_device(args: argparse.Namespace) -> int:
    from desktop_uploader.endpoint.config import ConfigError
    from desktop_uploader.endpoint.devices import (
        DEVICE_NAME,
        Device,
        new_token,
        read_table_file,
        token_digest,
        write_table_file,
    )

    name = args.name
    if not DEVICE_NAME.match(name):
        raise UsageError("A device name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
    prefix, status_prefix = (_folder(p) for p in (args.prefix or f"uploads/{name}", args.status_prefix))
    out = Path(args.out or f"{name}.provisioning.json")
    if out.exists() and not args.force:
        raise UsageError(f"{out} exists; use --force to replace it.")
    token = new_token()
    try:
        provisioning = make_provisioning(name, endpoint_url=args.endpoint, prefix=prefix,
                                         status_key=f"{status_prefix}{name}.json", protocol=args.protocol,
                                         profile_name=args.profile_name,
                                         token=token if args.one_time_file else None)
        device = Device(name=name, token_sha256=token_digest(token).hex(), prefix=prefix,
                        status_key=provisioning.profile.status_key, enabled=True,
                        added=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        table_path = _table_path(args)
        table = read_table_file(table_path).added(device)
        table = type(table).parse(table.to_json())  # the entry passes the endpoint's own checks
    except (ProvisioningError, ConfigError) as exc:
        raise UsageError(str(exc)) from None
    write_json(out, provisioning.to_json())
    write_table_file(table_path, table)
    print(f"Device '{name}' added to {table_path}: files under '{prefix}', status at '{device.status_key}'.")
    if args.one_time_file:
        print(f"Its key is in the one-time file {out} only; importing the file removes it from there.")
    else:
        print("Its key, shown only now and stored nowhere else (give it to the device's user safely):")
        print(f"\n    {token}\n")
        print(f"Provisioning file (no key inside): {out}")
    print(f"On the device: desktop-uploader fleet import {out.name}")
    print("A deployed endpoint reads the table from Secrets Manager: "
          f"aws secretsmanager put-secret-value --secret-id <DeviceTableSecret> --secret-string file://{table_path}")
    return EXIT_OK


def _folder(prefix: str) -> str:
    return prefix if prefix.endswith("/") else prefix + "/"


def run_set_enabled(args: argparse.Namespace) -> int:
    from desktop_uploader.endpoint.config import ConfigError
    from desktop_uploader.endpoint.devices import read_table_file, write_table_file

    table_path = _table_path(args)
    try:
        table = read_table_file(table_path).with_enabled(args.name, args.enabled)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    write_table_file(table_path, table)
    state = "enabled again" if args.enabled else "revoked; the other devices keep working"
    print(f"Device '{args.name}' is {state} ({table_path}).")
    return EXIT_OK


# -- on the device ----------------------------------------------------------------------------------------
def import_provisioning(args: argparse.Namespace, raw: Any) -> int:
    """``fleet import FILE`` for a provisioning file: the profile, the key into the keychain, the device name."""
    from desktop_uploader.kiosk.identity import IdentityStore

    try:
        provisioning = Provisioning.from_json(raw)
    except ProvisioningError as exc:
        raise UsageError(str(exc)) from None
    config = load_config()
    profile = provisioning.profile
    if profile.name in config.profiles and not args.replace:
        raise UsageError(f"Profile '{profile.name}' exists here already; use --replace to set it up anew.")
    store = sec.SecretStore()
    try:
        store.backend_name()  # refuse before asking for a key there is nowhere safe to keep
        token = provisioning.token or read_secret(f"Key of device '{provisioning.device}': ")
        store.set(profile.name, sec.header_field(TOKEN_HEADER), token.strip())
    except sec.KeychainError as exc:
        raise UsageError(str(exc)) from None
    config.profiles[profile.name] = profile
    config.default_profile = config.default_profile or profile.name
    config.save()
    IdentityStore().set_device_name(provisioning.device)
    print(f"Set up '{profile.name}' for device '{provisioning.device}'; its key is in the keychain.")
    if provisioning.token is not None and args.file != "-":
        try:
            forget_token(Path(args.file), provisioning)
            print(f"The key was removed from {args.file}.")
        except OSError as exc:
            print(f"Warning: the key could not be removed from {args.file} ({exc.strerror}); delete the file.",
                  file=sys.stderr)
    if args.write_locked:
        # Every user of the device must be able to read the locked configuration.
        write_json(Path(args.write_locked), provisioning.locked, mode=0o644)
        print(f"Locked configuration written to {args.write_locked}.")
    else:
        print("To fix these settings for the device's users, write the locked part with --write-locked FILE "
              "(the site-wide locked-config.json, as an administrator).")
    return EXIT_OK
