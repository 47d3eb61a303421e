"""`desktop-uploader credentials set|delete`: secrets go to the keychain, read from stdin or a hidden prompt."""

from __future__ import annotations

import argparse

from desktop_uploader.cli.common import EXIT_OK, UsageError, load_profile, read_secret
from desktop_uploader.core import secrets as sec
from desktop_uploader.core.config import KIND_LOCAL


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("credentials", help="store or delete a profile's secrets in the system keychain")
    csub = p.add_subparsers(dest="credentials_command", metavar="ACTION", required=True)
    st = csub.add_parser("set", help="store secrets (read from a hidden prompt or stdin, never arguments)",
                         description="Local signing: prompts for the access key id, the secret access key "
                                     "and an optional session token (one per line on stdin when piped). "
                                     "With --header NAME: the value of that header.")
    st.add_argument("--profile", required=True)
    st.add_argument("--header", metavar="NAME", help="store the value of this secret header instead")
    st.set_defaults(func=run_set)
    de = csub.add_parser("delete", help="delete a profile's secrets from the keychain")
    de.add_argument("--profile", required=True)
    de.set_defaults(func=run_delete)


def run_set(args: argparse.Namespace) -> int:
    _, profile = load_profile(args.profile)
    store = sec.SecretStore()
    try:
        store.backend_name()  # refuse before asking for secrets there is nowhere safe to keep
        if args.header:
            if args.header.lower() not in (h.lower() for h in profile.secret_headers):
                raise UsageError(f"Profile '{profile.name}' has no secret header '{args.header}'.")
            store.set(profile.name, sec.header_field(args.header), read_secret(f"Value of {args.header}: "))
            print(f"Stored the value of {args.header} for '{profile.name}' in the keychain.")
            return EXIT_OK
        if profile.kind != KIND_LOCAL:
            raise UsageError(f"Profile '{profile.name}' uses a signing endpoint; use --header NAME.")
        key_id = read_secret("Access key id: ")
        secret = read_secret("Secret access key: ")
        try:
            token = read_secret("Session token (empty if none): ")
        except UsageError:
            token = ""
        store.set(profile.name, sec.ACCESS_KEY_ID, key_id)
        store.set(profile.name, sec.SECRET_ACCESS_KEY, secret)
        if token:
            store.set(profile.name, sec.SESSION_TOKEN, token)
        else:
            store.delete(profile.name, sec.SESSION_TOKEN)
    except sec.KeychainError as exc:
        raise UsageError(str(exc)) from None
    print(f"Stored the credentials for '{profile.name}' in the keychain ({store.backend_name()}).")
    return EXIT_OK


def run_delete(args: argparse.Namespace) -> int:
    _, profile = load_profile(args.profile)
    try:
        removed = sec.SecretStore().delete_profile(profile.name, tuple(profile.secret_headers))
    except sec.KeychainError as exc:
        raise UsageError(str(exc)) from None
    print(f"Deleted {removed} secret(s) of '{profile.name}' from the keychain.")
    return EXIT_OK
