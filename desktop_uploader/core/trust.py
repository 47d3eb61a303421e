"""Which certificate authorities a verified connection trusts, as one TLS context per process.

By default, this computer's: what its browser and file manager trust, so that a company that inspects TLS and
installs its root certificate on its computers (Windows' certificate store, ``update-ca-certificates`` on
Linux) is trusted here too. requests alone trusts only the list it ships (certifi), and then the advice to
install that certificate "on this computer" would not work. The public authorities of that list are trusted
as well where a computer's own store may lack them: Windows fetches roots only as it meets them, macOS keeps
its store in the keychain, which Python's TLS does not read, and a Linux may have no store at all.

A CA bundle named by the user (``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``) replaces all of that, as in
requests.

The context is loaded once and shared. urllib3 would otherwise read the whole bundle again for every new
connection: about 25 ms of CPU each here, paid again for every connection a field network drops.
"""

from __future__ import annotations

import os
import ssl
import sys
import threading
from collections.abc import Iterable
from typing import Literal

import certifi
from urllib3.util.ssl_ import ALPN_PROTOCOLS, create_urllib3_context

# Where Linux distributions keep their bundle, for an OpenSSL that was built to look elsewhere (a frozen
# app's, say): Debian and Ubuntu; Fedora and RHEL; older Fedora and RHEL; openSUSE; Alpine and Arch.
_LINUX_BUNDLES = (
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/pki/tls/cert.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
)

_lock = threading.Lock()
_contexts: dict[tuple[object, ...], ssl.SSLContext] = {}


class _SharedContext(ssl.SSLContext):
    """A context that many threads open connections with at once. urllib3 sets its ALPN list again for every
    new connection, and OpenSSL frees the old list while another thread may be copying it into a connection
    of its own: a use-after-free (CPython issue 141012, urllib3 issue 3036). The list is set when the context
    is made; setting the same list again does nothing."""

    _alpn: tuple[str, ...] | None = None

    def set_alpn_protocols(self, alpn_protocols: Iterable[str]) -> None:
        wanted = tuple(alpn_protocols)
        if wanted != self._alpn:
            super().set_alpn_protocols(wanted)
            self._alpn = wanted


def trusted_context(verify: Literal[True] | str) -> ssl.SSLContext:
    """The client context for connections verified against ``verify``: True for this computer's authorities,
    or the path of a CA bundle file or folder. The same object for as long as what it was read from is
    unchanged, so a new bundle (an admin adding a root on a kiosk that runs for weeks) is read at the next
    new connection."""
    key = _sources(verify)
    with _lock:
        context = _contexts.get(key)
        if context is None:
            _contexts.clear()  # what it was read from changed: the old one is of no more use
            context = _contexts[key] = _load(verify)
        return context


def _load(verify: Literal[True] | str) -> ssl.SSLContext:
    context = create_urllib3_context()  # urllib3's own settings (TLS 1.2 at least, its ciphers), verifying
    context.__class__ = _SharedContext  # urllib3 has no way to make its context of a subclass; same layout
    context.set_alpn_protocols(ALPN_PROTOCOLS)
    if verify is not True:
        if os.path.isdir(verify):
            context.load_verify_locations(capath=verify)
        else:
            context.load_verify_locations(cafile=verify)
        return context
    context.load_default_certs()  # OpenSSL's paths (SSL_CERT_FILE, SSL_CERT_DIR); Windows' system stores
    bundle = _distribution_bundle()
    if bundle is not None and not _same_file(bundle, ssl.get_default_verify_paths().cafile):
        context.load_verify_locations(cafile=bundle)
    elif sys.platform in ("win32", "darwin") or context.cert_store_stats()["x509_ca"] == 0:
        context.load_verify_locations(cafile=certifi.where())
    return context


def _distribution_bundle() -> str | None:
    """The Linux distribution's bundle. OpenSSL's default file is usually the same, but not in a frozen
    app, whose OpenSSL was built elsewhere and is pointed at certifi's list when it finds no file of its own."""
    if not sys.platform.startswith("linux"):
        return None
    return next((path for path in _LINUX_BUNDLES if os.path.isfile(path)), None)


def _same_file(path: str, other: str | None) -> bool:
    try:
        return other is not None and os.path.samefile(path, other)
    except OSError:
        return False


def _sources(verify: Literal[True] | str) -> tuple[object, ...]:
    """What a context for ``verify`` is read from, with each file's size and time of change."""
    if verify is not True:
        return (verify, _stamp(verify))
    paths = ssl.get_default_verify_paths()
    bundle = _distribution_bundle()
    return (True, paths.cafile, _stamp(paths.cafile), paths.capath, _stamp(paths.capath), bundle, _stamp(bundle))


def _stamp(path: str | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        found = os.stat(path)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns)
