"""`desktop-uploader kiosk` and `desktop-uploader fleet ...`: field-device mode and its set-up.

kiosk                 full-screen kiosk window (watch folders, offline queue, admin PIN)
fleet export FILE     profiles as JSON for other devices, secrets left out
fleet import FILE     add exported profiles here (secrets go in with `credentials set`), or set this device
                      up from a provisioning file (its key goes to the keychain)
fleet set-pin         the admin PIN, from a hidden prompt or stdin, never an argument
fleet identity        this device's install id, device name and current operator
fleet show-locked     which settings the admin's locked configuration fixes
fleet status, add-device, revoke-device, enable-device: see cli/fleet_cmd.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from desktop_uploader.cli import fleet_cmd
from desktop_uploader.cli.common import EXIT_OK, UsageError, eprint, load_config, read_secret
from desktop_uploader.core.config import KIND_LOCAL, Config, ConfigError, ProfileError
from desktop_uploader.core.locked import (
    LOCKED_CONFIG_ENV,
    LockdownError,
    LockedConfig,
    apply_locked,
    locked_config_path,
    system_locked_path,
)
from desktop_uploader.core.profile_export import export_profiles, import_profiles
from desktop_uploader.kiosk import pin_place
from desktop_uploader.kiosk.identity import IdentityStore
from desktop_uploader.kiosk.pin import PinError, PinStore, check_pin_format, hash_pin
from desktop_uploader.kiosk.provisioning import is_provisioning
from desktop_uploader.kiosk.settings import kiosk_settings, load_kiosk_locked


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    kiosk = sub.add_parser(
        "kiosk", help="open the full-screen kiosk for field devices",
        description="Full-screen kiosk: files in the watch folders are sent by themselves, waiting while "
                    "offline; settings, quitting and leaving full screen need the admin PIN.")
    kiosk.add_argument("--profile", help="destination to upload to (default: the kiosk's or the default one)")
    kiosk.add_argument("--watch", action="append", default=[], metavar="DIR",
                       help="watch this folder too (repeatable)")
    _locked_option(kiosk)
    kiosk.set_defaults(func=run_kiosk_cmd)

    fleet = sub.add_parser("fleet", help="set up and watch field devices: keys, profiles, admin PIN, status")
    fsub = fleet.add_subparsers(dest="fleet_command", metavar="ACTION", required=True)
    exp = fsub.add_parser("export", help="write profiles to a JSON file, without secrets")
    exp.add_argument("file", metavar="FILE", help="where to write ('-' for standard output)")
    exp.add_argument("--profile", action="append", default=None, metavar="NAME",
                     help="export only this profile (repeatable; default: all)")
    exp.add_argument("--force", action="store_true", help="replace FILE if it exists")
    exp.set_defaults(func=run_export)
    imp = fsub.add_parser("import", help="add profiles from an exported JSON file, or a provisioning file")
    imp.add_argument("file", metavar="FILE", help="the file ('-' for standard input)")
    imp.add_argument("--replace", action="store_true", help="replace profiles that exist here already")
    imp.add_argument("--write-locked", metavar="FILE",
                     help="provisioning files: also write their locked configuration to FILE")
    _locked_option(imp)
    imp.set_defaults(func=run_import)
    pin = fsub.add_parser(
        "set-pin", help="set the admin PIN (read from a hidden prompt or stdin)",
        description="Set the admin PIN, read from a hidden prompt or standard input (never an argument). Run "
                    "as an administrator, the PIN's record goes to the administrators' folder, where the kiosk "
                    "user cannot change it. Otherwise it is kept for this user, and replacing it asks for the "
                    "current PIN first (on standard input: the current PIN on the first line, the new one on "
                    "the next).")
    pin.add_argument("--print-record", action="store_true",
                     help="print the PIN's hash record for the locked configuration's 'admin_pin' instead of "
                          "storing it on this device")
    _locked_option(pin)
    pin.set_defaults(func=run_set_pin)
    ident = fsub.add_parser("identity", help="show or set this device's identity")
    name = ident.add_mutually_exclusive_group()
    name.add_argument("--device-name", metavar="NAME", help="set the device name used for {device}")
    name.add_argument("--reset-device-name", action="store_true", help="use the computer's name again")
    ident.add_argument("--json", action="store_true")
    ident.set_defaults(func=run_identity)
    show = fsub.add_parser("show-locked", help="check the locked configuration and list what it fixes")
    show.add_argument("--json", action="store_true")
    _locked_option(show)
    show.set_defaults(func=run_show_locked)
    fleet_cmd.register_actions(fsub)


def _locked_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locked-config", metavar="FILE",
                        help=f"a locked configuration (default: ${LOCKED_CONFIG_ENV}); it only adds to the "
                             f"system-wide {system_locked_path()}, whose values always win")


def _locked(args: argparse.Namespace) -> LockedConfig:
    try:
        return load_kiosk_locked(getattr(args, "locked_config", None))
    except LockdownError as exc:
        raise UsageError(str(exc)) from None


def starts_in_kiosk(locked_config: str | None = None) -> bool:
    """True if the settings say the app should open in kiosk mode when started without a command."""
    try:
        locked = load_kiosk_locked(locked_config)
        return kiosk_settings(apply_locked(Config.load(), locked)).enabled
    except (ConfigError, ProfileError, LockdownError):
        # The kiosk reports these itself; without it the normal window starts.
        return locked_config_path(locked_config) is not None or system_locked_path().is_file()


def run_kiosk_cmd(args: argparse.Namespace) -> int:
    from desktop_uploader.cli.qt_start import why_no_window

    reason = why_no_window()
    if reason is not None:
        raise UsageError(reason)
    from desktop_uploader.gui.kiosk.window import run_kiosk  # Qt loads only when the window is wanted

    return run_kiosk(profile=args.profile, watch=list(args.watch or []), locked_path=args.locked_config)


def run_export(args: argparse.Namespace) -> int:
    config = load_config()
    names = args.profile
    try:
        result = export_profiles(config, names)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if not result.data["profiles"]:
        raise UsageError("There are no profiles to export.")
    text = json.dumps(result.data, indent=2, sort_keys=True) + "\n"
    if args.file == "-":
        sys.stdout.write(text)
    else:
        target = Path(args.file)
        if target.exists() and not args.force:
            raise UsageError(f"{target} exists; use --force to replace it.")
        target.write_text(text, encoding="utf-8")
        print(f"Exported {len(result.data['profiles'])} profile(s) to {target}.")
    for profile, removed in sorted(result.removed.items()):
        eprint(f"Left out of '{profile}' because it looks secret: {', '.join(removed)}")
    for profile, needed in sorted(result.data["secrets_needed"].items()):
        eprint(f"'{profile}' needs secrets on each device ({', '.join(needed)}): "
               f"desktop-uploader credentials set --profile {profile}")
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        data: Any = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"The profile file cannot be read: {exc}") from None
    if is_provisioning(data):
        return fleet_cmd.import_provisioning(args, data)
    if args.write_locked:
        raise UsageError("--write-locked is for provisioning files made by 'fleet add-device'.")
    config = load_config()
    try:
        result = import_profiles(data, config, replace=args.replace, locked=_locked(args))
    except LockdownError as exc:
        raise UsageError(str(exc)) from None
    config.save()
    for label, names in (("Added", result.added), ("Replaced", result.replaced)):
        if names:
            print(f"{label}: {', '.join(names)}")
    if result.skipped:
        print(f"Already here, kept as they are (use --replace to overwrite): {', '.join(result.skipped)}")
    for name in sorted(result.secrets_needed):
        profile = config.profiles[name]
        if profile.kind == KIND_LOCAL:
            print(f"Store the credentials of '{name}': desktop-uploader credentials set --profile {name}")
        for header in profile.secret_headers:
            print(f"Store the value of '{header}' for '{name}': "
                  f"desktop-uploader credentials set --profile {name} --header {header}")
    return EXIT_OK


def run_set_pin(args: argparse.Namespace) -> int:
    locked = _locked(args)
    if args.print_record:
        print(json.dumps(hash_pin(_new_pin()), indent=2, sort_keys=True))
        return EXIT_OK
    if locked.system_pin:
        raise UsageError(f"The admin PIN is fixed by the system-wide locked configuration ({locked.path}); change "
                         "it there.")
    try:
        store = pin_place.open_pin_store(locked)
    except PinError as exc:
        raise UsageError(str(exc)) from None
    if pin_place.is_administrator():
        path = pin_place.save_system_pin(_new_pin())
        print(f"The admin PIN is set for every user of this computer ({path}); only an administrator can "
              "change it.")
        return EXIT_OK
    _check_may_change(store)
    pin = _new_pin()
    try:
        store.set_pin(pin)
    except (PinError, OSError) as exc:
        raise UsageError(str(exc)) from None
    print(f"The admin PIN is set ({store.path}).")
    return EXIT_OK


def _check_may_change(store: PinStore) -> None:
    """Without administrator rights, a PIN is replaced only with the current one; a fixed or vanished one not
    at all."""
    if store.fixed:
        raise UsageError("The admin PIN is locked by your administrator; only an administrator can change it.")
    if store.missing():
        raise UsageError("An admin PIN was set on this device and its record is gone. Setting a new one needs "
                         "administrator rights: run 'desktop-uploader fleet set-pin' as an administrator.")
    if not store.is_set():
        return  # the first PIN of this device
    try:
        check = store.verify(read_secret("Current admin PIN: "))
    except PinError as exc:
        raise UsageError(str(exc)) from None
    if not check.ok:
        wait = f" Too many wrong PINs: try again in {check.locked_for:.0f} s." if check.locked_for else ""
        raise UsageError(f"That is not the current admin PIN; nothing was changed.{wait}")


def _new_pin() -> str:
    interactive = sys.stdin.isatty()
    pin = read_secret("New admin PIN: ")
    try:
        check_pin_format(pin)
    except PinError as exc:
        raise UsageError(str(exc)) from None
    if interactive and read_secret("The same PIN again: ") != pin:
        raise UsageError("The two PINs are not the same; nothing was changed.")
    return pin


def run_identity(args: argparse.Namespace) -> int:
    store = IdentityStore()
    try:
        if args.device_name:
            identity = store.set_device_name(args.device_name)
        elif args.reset_device_name:
            identity = store.set_device_name(None)
        else:
            identity = store.current()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    info = {"install_id": identity.install_id, "device_name": identity.device_name,
            "operator": identity.operator}
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        print(f"Install id:  {identity.install_id}")
        print(f"Device name: {identity.device_name}")
        print(f"Operator:    {identity.operator or '(none; asked at the start of a shift)'}")
    return EXIT_OK


def run_show_locked(args: argparse.Namespace) -> int:
    locked = _locked(args)
    if not locked.active:
        print(f"No locked configuration (none at {system_locked_path()}; --locked-config FILE or "
              f"{LOCKED_CONFIG_ENV} names one).")
        return EXIT_OK
    try:
        effective = apply_locked(load_config(), locked)
        kiosk_settings(effective).validate()
    except LockdownError as exc:
        raise UsageError(str(exc)) from None
    locked_profiles = {name: sorted(values) for name, values in locked.profiles.items()}
    info = {
        "path": str(locked.path),
        "sources": [str(path) for path in locked.sources],
        "profiles": locked_profiles,
        "default_profile": locked.default_profile,
        "settings": sorted(locked.settings),
        "kiosk": sorted(locked.kiosk),
        "admin_pin": locked.admin_pin is not None,
    }
    if args.json:
        print(json.dumps(info, indent=2))
        return EXIT_OK
    for path in locked.sources:
        layer = "system-wide" if path == system_locked_path() else "added by the user's option or environment"
        print(f"Locked configuration: {path} ({layer})")
        if os.access(path, os.W_OK):
            print("  Warning: this file can be changed by the current user; make it read-only for kiosk users.")
    for name, values in sorted(locked_profiles.items()):
        print(f"  profile {name}: {', '.join(values)}")
    if locked.default_profile:
        print(f"  default profile: {locked.default_profile}")
    if locked.settings:
        print(f"  settings: {', '.join(sorted(locked.settings))}")
    if locked.kiosk:
        print(f"  kiosk: {', '.join(sorted(locked.kiosk))}")
    pin = "fixed by the locked configuration" if locked.admin_pin is not None else "set on each device"
    print(f"  admin PIN: {pin}")
    return EXIT_OK
