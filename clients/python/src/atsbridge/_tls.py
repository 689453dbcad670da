"""TLS for both clients: the SSL context from the options, and, for the blocking client, TLS over
memory BIOs so that one lock guards every TLS operation (its reader thread and the callers'
threads never use the TLS state at the same time, which OpenSSL does not allow)."""

from __future__ import annotations

import os
import socket
import ssl
import time

from ._status import StatusCode, UnavailableError

TLS_ERROR_CODE = "PLATFORM.TLS_HANDSHAKE_FAILED"


class TLSHandshakeError(UnavailableError):
    """UNAVAILABLE with ``PLATFORM.TLS_HANDSHAKE_FAILED``: the server's certificate is not trusted
    or not for this host, or the server refused the client's certificate (or the lack of one).
    Not retried: certificates do not fix themselves."""

    def __init__(self, message: str) -> None:
        super().__init__(StatusCode.UNAVAILABLE, message, TLS_ERROR_CODE)


def _env_tls() -> bool:
    """``$ATSBRIDGE_TLS`` as the CLI reads it: 1, true, yes, or 0, false, no (or unset); any
    other value is a mistake (guessing plain TCP would send the key in clear)."""
    text = os.environ.get("ATSBRIDGE_TLS", "").strip().lower()
    if text not in ("", "0", "false", "no", "1", "true", "yes"):
        raise ValueError(f"ATSBRIDGE_TLS must be 1, true, yes, 0, false or no, not {text!r}")
    return text in ("1", "true", "yes")


def make_context(
    tls: bool | None,
    ca: str | None,
    client_cert: str | None,
    client_key: str | None,
    ssl_context: ssl.SSLContext | None,
) -> ssl.SSLContext | None:
    """The context the options ask for, or ``None`` for plain TCP. Unset options default to
    ``$ATSBRIDGE_TLS``, ``$ATSBRIDGE_CA``, ``$ATSBRIDGE_CLIENT_CERT`` and ``$ATSBRIDGE_CLIENT_KEY``;
    a CA or a client certificate implies TLS. An explicit ``tls=False`` means plain TCP whatever
    the environment says (with ``ca``, ``client_cert`` or ``client_key`` it is a ValueError)."""
    if ssl_context is not None:
        return ssl_context
    if tls is False:
        if ca or client_cert or client_key:
            raise ValueError("tls=False contradicts ca, client_cert and client_key")
        return None
    ca = ca if ca is not None else os.environ.get("ATSBRIDGE_CA")
    client_cert = client_cert if client_cert is not None else os.environ.get("ATSBRIDGE_CLIENT_CERT")
    client_key = client_key if client_key is not None else os.environ.get("ATSBRIDGE_CLIENT_KEY")
    wanted = tls if tls is not None else _env_tls()
    if not (wanted or ca or client_cert or client_key):
        return None
    if bool(client_cert) != bool(client_key):
        raise ValueError("client_cert and client_key go together")
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if client_cert:
        context.load_cert_chain(client_cert, client_key)
    return context


def describe(error: BaseException) -> str:
    """A TLS failure in a sentence: OpenSSL's reason, without the Python noise."""
    reason = getattr(error, "reason", None) or getattr(error, "verify_message", None)
    return f"TLS failed: {reason or error}"


class TLSChannel:
    """TLS over memory BIOs for a blocking socket. The caller serializes every method."""

    def __init__(self, context: ssl.SSLContext, server_hostname: str) -> None:
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._tls = context.wrap_bio(self._incoming, self._outgoing, server_hostname=server_hostname)

    def handshake(self, sock: socket.socket, deadline: float) -> None:
        """Runs the handshake on ``sock`` (the socket's timeout is set per read)."""
        while True:
            try:
                self._tls.do_handshake()
                sock.sendall(self._outgoing.read())
                return
            except ssl.SSLWantReadError:
                sock.sendall(self._outgoing.read())
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TLSHandshakeError("TLS failed: the handshake did not finish in time") from None
                sock.settimeout(remaining)
                data = sock.recv(65536)
                if not data:
                    raise TLSHandshakeError("TLS failed: the server closed the connection during the handshake")
                self._incoming.write(data)
            except ssl.SSLError as error:
                raise TLSHandshakeError(describe(error)) from None

    def encrypt(self, data: bytes) -> bytes:
        """``data`` as TLS records to send."""
        self._tls.write(data)
        return self._outgoing.read()

    def decrypt(self, data: bytes | memoryview) -> tuple[bytes, bytes]:
        """The plaintext in the received ``data``, and TLS bytes to send back (if any).

        Raises :class:`TLSHandshakeError` when the peer sent an alert (a refused client
        certificate arrives this way under TLS 1.3), ``EOFError`` on close_notify."""
        self._incoming.write(data)
        chunks: list[bytes] = []
        while True:
            try:
                chunk = self._tls.read(1 << 16)
            except ssl.SSLWantReadError:
                break
            except ssl.SSLZeroReturnError:
                raise EOFError("the server closed TLS") from None
            except ssl.SSLError as error:
                raise TLSHandshakeError(describe(error)) from None
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks), self._outgoing.read()
