"""A throw-away certificate authority and server certificate for loopback TLS in tests and benchmarks.

Clients must verify TLS for real (the app never turns verification off), so a local HTTPS server needs a
certificate they trust. :func:`make_tls_identity` creates a private CA and a server certificate for
``127.0.0.1``/``localhost`` signed by it; clients are pointed at the CA file (``REQUESTS_CA_BUNDLE``,
``AWS_CA_BUNDLE``, ``curl --cacert``, ``rclone --ca-cert``). The keys are fresh for every identity and
are worthless outside it, which is why they may sit in a temp folder.

Needs the ``cryptography`` package (in the test extras).
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from cryptography.x509 import GeneralName

__all__ = ["CA_BUNDLE_VARIABLES", "TlsIdentity", "make_tls_identity"]

# What the usual clients read to find the CAs they trust: requests, curl/libcurl, botocore/aws, OpenSSL.
CA_BUNDLE_VARIABLES: Final = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "AWS_CA_BUNDLE", "SSL_CERT_FILE")
_DEFAULT_HOSTS: Final = ("127.0.0.1", "localhost", "::1")
_LIFETIME: Final = datetime.timedelta(days=7)
# Clocks of child processes may differ a little; a certificate "not yet valid" would fail every client.
_BACKDATE: Final = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class TlsIdentity:
    """Files of one throw-away CA and the server certificate it signed.

    ``ca_path`` is what clients trust; ``cert_path`` holds the server certificate followed by the CA's, and
    ``key_path`` the server's private key. :meth:`remove` deletes the folder when this identity created it.
    """

    directory: Path
    ca_path: Path
    cert_path: Path
    key_path: Path
    hosts: tuple[str, ...]
    owns_directory: bool = field(default=False, compare=False)

    def server_context(self) -> ssl.SSLContext:
        """An SSL context for the server side, presenting the certificate chain."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_path, self.key_path)
        return context

    def client_context(self) -> ssl.SSLContext:
        """An SSL context for a client that trusts only this CA, with host names checked."""
        return ssl.create_default_context(cafile=str(self.ca_path))

    def client_env(self) -> dict[str, str]:
        """Environment variables that make requests, curl, botocore and OpenSSL trust this CA (and only it)."""
        return dict.fromkeys(CA_BUNDLE_VARIABLES, str(self.ca_path))

    def remove(self) -> None:
        if self.owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)


def make_tls_identity(directory: Path | None = None, hosts: tuple[str, ...] = _DEFAULT_HOSTS) -> TlsIdentity:
    """Create a CA and a server certificate for *hosts* (IP addresses or DNS names) in *directory*.

    Without a directory a new temp folder is made, owned by the identity (see :meth:`TlsIdentity.remove`).
    EC P-256 keys keep this quick (a few milliseconds).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    owns = directory is None
    folder = Path(tempfile.mkdtemp(prefix="wan-tls-")) if directory is None else directory
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "desktop-uploader throw-away test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + _LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + _LIFETIME)
        .add_extension(x509.SubjectAlternativeName([_general_name(h) for h in hosts]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    key_pem = server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    identity = TlsIdentity(
        directory=folder, ca_path=folder / "ca.pem", cert_path=folder / "server.pem",
        key_path=folder / "server.key", hosts=tuple(hosts), owns_directory=owns,
    )
    identity.ca_path.write_bytes(ca_pem)
    identity.cert_path.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM) + ca_pem)
    _write_private(identity.key_path, key_pem)
    return identity


def _general_name(host: str) -> GeneralName:
    from cryptography import x509

    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
