"""`desktop-uploader profile add|list|show|remove`: named settings, never secrets."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from desktop_uploader.cli.common import EXIT_OK, UsageError, load_config, load_profile
from desktop_uploader.core.config import (
    AUTO_CONCURRENCY,
    IF_EXISTS_CHOICES,
    IF_EXISTS_SKIP,
    KIND_ENDPOINT,
    KIND_LOCAL,
    Profile,
    ProfileError,
)
from desktop_uploader.core.secrets import KeychainError, SecretStore


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("profile", help="manage upload profiles")
    psub = p.add_subparsers(dest="profile_command", metavar="ACTION", required=True)

    add = psub.add_parser("add", help="add or replace a profile")
    add.add_argument("name")
    kind = add.add_mutually_exclusive_group(required=True)
    kind.add_argument("--endpoint", metavar="URL", help="get links from this signing endpoint")
    kind.add_argument("--bucket", help="sign links on this computer for this bucket")
    add.add_argument("--protocol", choices=("simple", "companion"), default="simple")
    add.add_argument("--method", dest="http_method", choices=("GET", "POST"), default="GET")
    add.add_argument("--key-param", default="filekey")
    add.add_argument("--type-param", default="contentType")
    add.add_argument("--url-field", default="signed_url")
    add.add_argument("--secret-header", action="append", default=[], metavar="NAME",
                     help="a header (e.g. x-api-key, Authorization) whose value is kept in the keychain")
    add.add_argument("--signed-header", action="append", default=[], metavar="NAME=VALUE",
                     help="value of a header the endpoint signs without telling (e.g. x-amz-acl=public-read)")
    add.add_argument("--region", default="us-east-1")
    add.add_argument("--s3-endpoint-url", default="")
    add.add_argument("--addressing-style", choices=("auto", "path", "virtual"), default="auto")
    add.add_argument("--acl", default="")
    add.add_argument("--storage-class", default="")
    add.add_argument("--meta", action="append", default=[], metavar="NAME=VALUE")
    add.add_argument("--link-lifetime", type=int, default=900, metavar="SECONDS")
    add.add_argument("--prefix", default="")
    add.add_argument("--key-template", default="{relpath}")
    add.add_argument("--concurrency", type=int, default=AUTO_CONCURRENCY,
                     help="files sent at once, at most; 0 (the default) finds the number by measuring")
    add.add_argument("--batch-signing", action="store_true",
                     help="the endpoint also signs many files per POST to its path + /batch ('check' tells)")
    add.add_argument("--allow-insecure-http", action="store_true")
    add.add_argument("--if-exists", choices=IF_EXISTS_CHOICES, default=IF_EXISTS_SKIP,
                     help="when a file's name is already taken: skip it if the same file is there, rename (keep "
                          "both) or overwrite (default: skip)")
    add.add_argument("--default", action="store_true", help="make it the default profile")
    add.set_defaults(func=run_add)

    lst = psub.add_parser("list", help="list profiles")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=run_list)
    show = psub.add_parser("show", help="show one profile")
    show.add_argument("name", nargs="?")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=run_show)
    rm = psub.add_parser("remove", help="remove a profile and its secrets")
    rm.add_argument("name")
    rm.set_defaults(func=run_remove)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"{option} takes NAME=VALUE, got '{item}'")
        out[name.strip()] = value
    return out


def run_add(args: argparse.Namespace) -> int:
    config = load_config()
    fields: dict[str, Any] = {
        "kind": KIND_ENDPOINT if args.endpoint else KIND_LOCAL,
        "endpoint_url": args.endpoint or "", "protocol": args.protocol, "http_method": args.http_method,
        "key_param": args.key_param, "type_param": args.type_param, "url_field": args.url_field,
        "secret_headers": args.secret_header,
        "signed_header_values": _pairs(args.signed_header, "--signed-header"),
        "bucket": args.bucket or "", "region": args.region, "s3_endpoint_url": args.s3_endpoint_url,
        "addressing_style": args.addressing_style, "acl": args.acl, "storage_class": args.storage_class,
        "metadata": _pairs(args.meta, "--meta"), "link_lifetime": args.link_lifetime, "prefix": args.prefix,
        "key_template": args.key_template, "concurrency": args.concurrency,
        "batch_signing": args.batch_signing,
        "allow_insecure_http": args.allow_insecure_http, "if_exists": args.if_exists,
    }
    profile = Profile(name=args.name, **fields)
    new = profile.name not in config.profiles
    try:
        config.put(profile)
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    if args.default:
        config.default_profile = profile.name
    config.save()
    if new:
        # Secrets a removed profile of the same name left in the keychain must not come back with it.
        with contextlib.suppress(KeychainError):
            SecretStore().delete_profile(profile.name, tuple(profile.secret_headers))
    print(f"Saved profile '{profile.name}'.")
    if profile.kind == KIND_LOCAL:
        print(f"Now store its access key: desktop-uploader credentials set --profile {profile.name}")
    for header in profile.secret_headers:
        print(f"Now store the value of {header}: desktop-uploader credentials set --profile {profile.name} "
              f"--header {header}")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    config = load_config()
    if args.json:
        print(json.dumps({"default": config.default_profile,
                          "profiles": {n: p.to_dict() for n, p in config.profiles.items()}}, indent=2))
        return EXIT_OK
    if not config.profiles:
        print("No profiles yet. Add one with 'desktop-uploader profile add'.", file=sys.stderr)
    for name, profile in sorted(config.profiles.items()):
        mark = "*" if name == config.default_profile else " "
        where = profile.endpoint_url if profile.kind == KIND_ENDPOINT else f"s3://{profile.bucket}"
        print(f"{mark} {name:<20} {profile.kind:<9} {where}")
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    _, profile = load_profile(args.name)
    data = {"name": profile.name, **profile.to_dict()}
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        for key, value in data.items():
            print(f"{key:<22} {value}")
    return EXIT_OK


def run_remove(args: argparse.Namespace) -> int:
    config = load_config()
    try:
        profile = config.remove(args.name)
    except Exception as exc:
        raise UsageError(str(exc)) from None
    config.save()
    try:
        removed = SecretStore().delete_profile(profile.name, tuple(profile.secret_headers))
    except KeychainError:
        removed = 0
    print(f"Removed profile '{profile.name}'" + (f" and {removed} stored secret(s)." if removed else "."))
    return EXIT_OK
