"""Sending e-mail over SMTP with smtplib: one connection for a batch, and every failure sorted
into temporary (try again later) or permanent (a dead letter at once).

`LOKET_SMTP_URL` says where: `smtp://host:port` (plain), `smtp+starttls://host:port` or
`smtp://host:port?starttls=1` (STARTTLS), `smtps://host:port` (TLS from the start); a user and
password in the URL are used to log in (`smtp://user:secret@host:587?starttls=1`).
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit


class DeliveryFailure(Exception):
    """Sending a message failed; `permanent` says whether trying again can help."""

    def __init__(self, detail: str, *, permanent: bool, connection_lost: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail[:500]
        self.permanent = permanent
        self.connection_lost = connection_lost


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: str  # "plain", "starttls" or "tls"
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpTarget:
    """The server named by an `smtp://`, `smtp+starttls://` or `smtps://` URL."""
    parts = urlsplit(url)
    schemes = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "tls"}
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(
            f"LOKET_SMTP_URL: {url.split('@')[-1]!r} is not smtp://host:port, "
            "smtp+starttls://host:port or smtps://host:port"
        )
    security = schemes[parts.scheme]
    if parse_qs(parts.query).get("starttls", ["0"])[0].lower() in ("1", "true", "yes"):
        security = "starttls"
    default_port = {"plain": 25, "starttls": 587, "tls": 465}[security]
    return SmtpTarget(
        parts.hostname,
        parts.port or default_port,
        security,
        unquote(parts.username) if parts.username else None,
        unquote(parts.password) if parts.password else None,
    )


@dataclass(frozen=True)
class Email:
    message_id: str
    sender: str
    to: str
    to_name: str
    subject: str
    body: str
    language: str

    def as_bytes(self) -> bytes:
        # The compat32 classes: the default policy's header objects cost more than the send.
        message = MIMEText(self.body, "plain", "utf-8")
        message["Message-ID"] = self.message_id
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["From"] = self.sender
        message["To"] = formataddr((self.to_name, self.to), charset="utf-8")
        # A Header object (compat32 takes one) is encoded as RFC 2047 words and folded cleanly.
        message["Subject"] = Header(self.subject, "utf-8")  # type: ignore[assignment]
        message["Content-Language"] = self.language
        message["Auto-Submitted"] = "auto-generated"
        return message.as_bytes()


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


class SmtpConnection:
    """An open session with the mail server; use as a context manager around one batch."""

    def __init__(self, target: SmtpTarget, timeout: float = 30.0) -> None:
        self._target = target
        self._timeout = timeout
        self._client: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpConnection":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        target = self._target
        try:
            client: smtplib.SMTP
            if target.security == "tls":
                client = smtplib.SMTP_SSL(
                    target.host,
                    target.port,
                    timeout=self._timeout,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(target.host, target.port, timeout=self._timeout)
            if target.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if target.username:
                client.login(target.username, target.password or "")
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryFailure(
                f"the mail server refused the login: {error.smtp_code} {error.smtp_error!r}",
                permanent=False,
                connection_lost=True,
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailure(
                f"cannot reach the mail server {target.host}:{target.port}: {error}",
                permanent=False,
                connection_lost=True,
            ) from error
        return client

    def send(self, email: Email) -> None:
        """Hand one message to the server, or raise DeliveryFailure."""
        if self._client is None:
            self._client = self._connect()
        try:
            envelope_from = parseaddr(email.sender)[1]
            refused = self._client.sendmail(envelope_from, [email.to], email.as_bytes())
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise DeliveryFailure(
                f"{code} {reply.decode(errors='replace')}", permanent=_is_permanent(code)
            ) from error
        except smtplib.SMTPResponseException as error:
            raw = error.smtp_error
            said = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
            raise DeliveryFailure(
                f"{error.smtp_code} {said}", permanent=_is_permanent(error.smtp_code)
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise DeliveryFailure(
                f"the connection to the mail server broke: {error}",
                permanent=False,
                connection_lost=True,
            ) from error
        if refused:
            code, text = next(iter(refused.values()))
            raise DeliveryFailure(
                f"{code} {text.decode(errors='replace')}", permanent=_is_permanent(code)
            )

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def sender_address(address: str, name: str = "loket") -> str:
    return formataddr((name, address))
