"""Configuration from ``HANDOFF_*`` environment variables and an optional ``.env``.

What it is for: one validated ``Settings`` object, built once at start-up and passed
down (never read at import time). A bad value raises ``ConfigError`` naming the
variable and the fix. Not for: per-account state (that lives in the database).
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from pathlib import Path
from typing import Annotated, Literal, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from agent.errors import ConfigError

FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
    }
)


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip().lower() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Every knob of the service; the README documents each one."""

    model_config = SettingsConfigDict(env_prefix="HANDOFF_", env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = "sqlite:///./handoff.db"
    redis_url: str | None = None
    inbox_address: str = "handoff@localhost"
    company_domains: Annotated[list[str], NoDecode] = Field(default_factory=list)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=8025, ge=0, le=65535)
    relay_url: str | None = None
    relay_timeout_s: float = Field(default=30.0, gt=0)
    outbox_dir: Path = Path("./outbox")
    debounce_s: float = Field(default=60.0, ge=0)
    timezone: str = "UTC"
    document_language: Literal["auto", "en", "de", "fr", "es"] = "auto"  # auto: the language the rep writes in

    extractor: Literal["auto", "claude", "offline"] = "auto"
    anthropic_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("ANTHROPIC_API_KEY", "HANDOFF_ANTHROPIC_API_KEY")
    )
    anthropic_model: str = "claude-sonnet-5-5"
    # How hard the model thinks (output_config.effort); sent only to models that take it, lowered to the
    # nearest level a model has (agent/extract/claude/request.py).
    anthropic_effort: Literal["low", "medium", "high", "xhigh", "max"] = "medium"
    # The longest wait for the first byte of an answer; each call also gets the time its max_tokens may take.
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_max_attempts: int = Field(default=3, ge=1)
    llm_max_tokens: int = Field(default=16000, ge=1024, le=128_000)  # thinking counts toward it
    llm_input_tokens_per_call: int = Field(default=60_000, ge=20_000)  # sources are batched to fit (count_tokens)
    llm_summary_tokens: int = Field(default=6000, ge=500)  # what the document holds, as told to the model
    # Who "we" are, for the prompt: our company and the product the customer bought.
    company_name: str | None = None
    product_name: str | None = None

    token_ttl_days: int = Field(default=30, ge=1)
    csm_roster: Path | None = None

    # Who wrote a message (mailflows/inbound/sender_auth.py; deploy/README.md says which mode fits which deployment).
    # Unset: relay when HANDOFF_TRUSTED_AUTHSERV_ID is set, else envelope.
    sender_auth: Literal["envelope", "relay", "verify"] | None = None
    trusted_authserv_id: str | None = None
    trusted_relays: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(default_factory=list)
    dns_nameservers: Annotated[list[str], NoDecode] = Field(default_factory=list)  # empty: the system's resolver
    dns_port: int = Field(default=53, ge=1, le=65535)
    dns_timeout_s: float = Field(default=5.0, gt=0)  # one DNS query, retries included
    sender_auth_timeout_s: float = Field(
        default=20.0, gt=0
    )  # all of DKIM + SPF + DMARC for one message (RFC 7208 4.6.4)
    auto_replies_per_sender_per_day: int = Field(default=50, ge=0)
    handoff_due_h: float = Field(default=48.0, gt=0)
    reminder_hours_before: Annotated[list[float], NoDecode] = Field(default_factory=lambda: [24.0, 4.0])
    business_hours: str = "09:00-17:00"
    call_minutes: int = Field(default=15, ge=5)
    competitors: Annotated[list[str], NoDecode] = Field(default_factory=list)

    max_message_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    max_parts: int = Field(default=1000, gt=0)
    max_depth: int = Field(default=20, gt=0)
    max_header_bytes: int = Field(default=256 * 1024, gt=0)
    # A text attachment (transcript, notes, CSV) or message body is read in a window of this many
    # bytes, in whole lines; the rest is named in the rep's draft and stays in the stored message.
    max_attachment_text_chars: int = Field(default=200_000, gt=0)
    # Message bytes the jobs of one process read at once (mailflows/inbound/budget.py): large messages arriving
    # together take turns within it; one larger than all of it goes through alone.
    inflight_budget_bytes: int = Field(default=96 * 1024 * 1024, gt=0)
    # Message bytes the intake (SMTP, IMAP) holds in memory at once while it authenticates and stores
    # them; SMTP DATA is spooled to a file as it arrives and read in only within this budget.
    intake_budget_bytes: int = Field(default=64 * 1024 * 1024, gt=0)
    # Where a message being read is spooled (the raw file and its large decoded bodies); unset: the temp dir.
    spool_dir: Path | None = None
    job_max_attempts: int = Field(default=3, ge=1)
    # How long an arq job may run; a job whose worker died runs again this + 10 s later.
    # Unset: twice the worst LLM call (timeout x attempts), at least 300 s.
    job_timeout_s: float | None = Field(default=None, gt=0)
    # An outgoing message claimed longer ago than this belongs to a sender that died: sent again.
    claim_stale_s: float = Field(default=600.0, gt=0)
    # Processes that parse and read mail for `handoff serve` with inline jobs (agent/cpu.py);
    # unset: one per core beyond the first, at most 4. 0: in the serving process.
    cpu_processes: int | None = Field(default=None, ge=0, le=64)

    imap_url: str | None = None
    imap_password_command: str | None = None
    imap_password_file: Path | None = None
    imap_processed_folder: str = "Processed"
    imap_timeout_s: float = Field(default=60.0, gt=0)
    imap_username: str | None = None  # else the user in HANDOFF_IMAP_URL
    imap_folder: str = "INBOX"  # a path in HANDOFF_IMAP_URL takes precedence
    imap_auth: Literal["password", "xoauth2"] = "password"
    imap_starttls: bool = True  # for imap:// URLs; imaps:// is TLS from the start
    imap_idle_s: float = Field(default=600.0, gt=0, le=25 * 60)  # RFC 2177: re-issue IDLE before 29 minutes
    imap_poll_s: float = Field(default=60.0, gt=0)  # when the server has no IDLE
    imap_backoff_max_s: float = Field(default=300.0, gt=0)

    # After the handoff: webhook, weekly digest, check-backs.
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_backoff_s: float = Field(default=30.0, gt=0)  # doubled after each failure, capped at 6 hours
    sales_ops_address: str | None = None
    digest_weekday: int = Field(default=0, ge=0, le=6)  # 0 = Monday, in HANDOFF_TIMEZONE
    digest_hour: int = Field(default=8, ge=0, le=23)
    checkback_grace_days: int = Field(default=30, ge=1)  # a check-back this late is skipped, not sent

    # The web pages (agent/web): `handoff web`, and `handoff serve` too when web_port is set.
    web_host: str = "127.0.0.1"
    web_port: int | None = Field(default=None, ge=0, le=65535)  # unset: `handoff web` uses 8080; serve has no pages
    web_base_url: str | None = None  # what people open (the sign-in link); https:// makes cookies Secure
    web_admins: Annotated[list[str], NoDecode] = Field(default_factory=list)  # see every handoff
    web_trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)  # X-Forwarded-For/-Proto
    web_secret: str | None = Field(default=None, min_length=32)  # signs form tokens; unset: random per start
    web_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)  # fixed lifetime, not extended by use
    web_logins_per_address_per_hour: int = Field(default=5, ge=1)
    web_logins_per_client_per_hour: int = Field(default=30, ge=1)

    @field_validator(
        "company_domains", "competitors", "web_admins", "web_trusted_proxies", "dns_nameservers", mode="before"
    )
    @classmethod
    def _comma_list(cls, value: object) -> object:
        return _split_commas(value)

    @field_validator("sender_auth", mode="before")
    @classmethod
    def _auth_mode(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower() or None
            if value is not None and value not in SENDER_AUTH_MODES:
                raise ValueError(
                    f"{value!r} is not a sender authentication mode; use envelope (the envelope sender must equal "
                    "the From address), relay (believe Authentication-Results from HANDOFF_TRUSTED_RELAYS) or "
                    "verify (check DKIM, SPF and DMARC here)"
                )
        return value

    @field_validator("trusted_authserv_id", mode="before")
    @classmethod
    def _authserv_id(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower() or None
            if value is not None and any(c in value for c in ' ;()"\\\r\n\t'):
                raise ValueError(
                    f"{value!r} is not an authserv-id; write the single name your mail server puts first in "
                    "its Authentication-Results header, e.g. mx.yourcompany.com"
                )
        return value

    @field_validator("trusted_relays", mode="before")
    @classmethod
    def _relays(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        networks: list[IPv4Network | IPv6Network] = []
        for part in cast(list[str], _split_commas(value)):
            try:
                networks.append(ip_network(part, strict=True))
            except ValueError as exc:
                try:
                    suggestion = f"; did you mean {ip_network(part, strict=False)}?"
                except ValueError:
                    suggestion = ""
                raise ValueError(
                    f"{part!r} is not an IP address or CIDR range (e.g. 10.0.0.5 or 10.0.0.0/24){suggestion}"
                ) from exc
        return networks

    @field_validator("dns_nameservers", mode="after")
    @classmethod
    def _nameservers(cls, value: list[str]) -> list[str]:
        for server in value:
            try:
                ip_address(server)
            except ValueError as exc:
                raise ValueError(
                    f"{server!r} is not an IP address; list resolvers by address (e.g. 127.0.0.53), "
                    "and the port in HANDOFF_DNS_PORT"
                ) from exc
        return value

    @field_validator("competitors", mode="after")
    @classmethod
    def _keep_case(cls, value: list[str]) -> list[str]:
        return value

    @field_validator("reminder_hours_before", mode="before")
    @classmethod
    def _hours(cls, value: object) -> object:
        if isinstance(value, str):
            return [float(v) for v in value.split(",") if v.strip()]
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA time zone; use a name such as Europe/Berlin") from exc
        return value

    @field_validator("inbox_address")
    @classmethod
    def _address(cls, value: str) -> str:
        if value.count("@") != 1 or any(c in value for c in " <>\r\n"):
            raise ValueError(f"{value!r} is not a bare address; write it as handoff@yourcompany.com")
        return value.lower()

    @field_validator("web_base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError(f"{value!r} is not a base address such as https://handoff.yourcompany.com")
        return value.strip().rstrip("/")

    @field_validator("web_trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry == "*":
                continue
            try:
                ip_network(entry, strict=False)
            except ValueError as exc:
                raise ValueError(f"{entry!r} is not an IP address or network such as 10.0.0.0/8 (or *)") from exc
        return value

    @field_validator("business_hours")
    @classmethod
    def _hours_range(cls, value: str) -> str:
        try:
            start, end = (part.strip() for part in value.split("-"))
            sh, sm = (int(x) for x in start.split(":"))
            eh, em = (int(x) for x in end.split(":"))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a range such as 09:00-17:00") from exc
        if not (0 <= sh * 60 + sm < eh * 60 + em <= 24 * 60):
            raise ValueError(f"{value!r} must start before it ends, within one day")
        return value

    @field_validator("claim_stale_s")
    @classmethod
    def _longer_than_a_send(cls, value: float, info: ValidationInfo) -> float:
        relay_timeout_s = info.data.get("relay_timeout_s")
        if relay_timeout_s is not None and value <= relay_timeout_s:
            raise ValueError(
                f"must be greater than HANDOFF_RELAY_TIMEOUT_S ({relay_timeout_s:g}): a claim is taken back only "
                "from a sender that can no longer be waiting on the relay, else the message goes out twice; "
                "raise HANDOFF_CLAIM_STALE_S or lower HANDOFF_RELAY_TIMEOUT_S"
            )
        return value

    @field_validator("database_url")
    @classmethod
    def _db(cls, value: str) -> str:
        if value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value[len("postgres://") :]
        elif value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value[len("postgresql://") :]
        if not value.startswith(("sqlite:", "postgresql+psycopg:")):
            raise ValueError(f"{value!r} is neither sqlite:///FILE nor postgresql+psycopg://USER@HOST/DB")
        return value

    # -- derived values -------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def inbox_domain(self) -> str:
        return self.inbox_address.rsplit("@", 1)[1]

    @property
    def own_domains(self) -> set[str]:
        """The company's domains: the configured ones plus the inbox's own."""
        return {*self.company_domains, self.inbox_domain}

    @property
    def llm_call_timeout_s(self) -> float:
        """One Claude call's timeout: the first-byte wait plus the time max_tokens may take (the SDK's estimate:
        128,000 output tokens an hour)."""
        return self.llm_timeout_s + self.llm_max_tokens * 3600 / 128_000

    @property
    def sender_auth_mode(self) -> str:
        """The mode in force: the setting, else relay when a trusted authserv-id is set, else envelope."""
        if self.sender_auth is not None:
            return self.sender_auth
        return "relay" if self.trusted_authserv_id else "envelope"

    @property
    def extractor_name(self) -> str:
        if self.extractor == "auto":
            return "claude" if self.anthropic_api_key else "offline"
        return self.extractor

    def is_company_address(self, address: str) -> bool:
        domain = address.rsplit("@", 1)[-1].lower().strip(">")
        return any(domain == d or domain.endswith("." + d) for d in self.own_domains)


SENDER_AUTH_MODES = ("envelope", "relay", "verify")

_ENV_NAMES = {
    "anthropic_api_key": "ANTHROPIC_API_KEY",
}


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning validation errors into one clear ``ConfigError``."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            env = _ENV_NAMES.get(field, "HANDOFF_" + field.upper())
            lines.append(f"{env}={err.get('input')!r}: {err['msg']}")
        raise ConfigError("bad configuration:\n  " + "\n  ".join(lines)) from exc
    if settings.extractor == "claude" and not settings.anthropic_api_key:
        raise ConfigError("HANDOFF_EXTRACTOR=claude needs ANTHROPIC_API_KEY; set it or use HANDOFF_EXTRACTOR=offline")
    _check_sender_auth(settings)
    if settings.sales_ops_address and not settings.is_company_address(settings.sales_ops_address):
        domains = ", ".join(sorted(settings.own_domains))
        raise ConfigError(
            f"HANDOFF_SALES_OPS_ADDRESS={settings.sales_ops_address} is outside the company ({domains}): handoff "
            "only ever writes inside it; use a company address or add its domain to HANDOFF_COMPANY_DOMAINS"
        )
    return settings


def _check_sender_auth(settings: Settings) -> None:
    """Settings that contradict the sender authentication mode would be silently ignored: refuse them."""
    mode = settings.sender_auth_mode
    if mode == "relay":
        if not settings.trusted_authserv_id:
            raise ConfigError(
                "HANDOFF_SENDER_AUTH=relay needs HANDOFF_TRUSTED_AUTHSERV_ID: the name your mail server writes "
                "first in Authentication-Results (e.g. mx.yourcompany.com)"
            )
        if not settings.trusted_relays and not settings.imap_url:
            raise ConfigError(
                f"HANDOFF_SENDER_AUTH=relay (HANDOFF_TRUSTED_AUTHSERV_ID={settings.trusted_authserv_id}) needs "
                "HANDOFF_TRUSTED_RELAYS: the addresses of the mail servers that deliver to the SMTP intake "
                "(e.g. 10.0.0.5 or 10.0.0.0/24); an Authentication-Results header from any other connection "
                "is written by the sender and is not believed"
            )
        return
    if settings.trusted_authserv_id:
        raise ConfigError(
            f"HANDOFF_TRUSTED_AUTHSERV_ID={settings.trusted_authserv_id} is read only in relay mode, but "
            f"HANDOFF_SENDER_AUTH={mode}; set HANDOFF_SENDER_AUTH=relay or unset HANDOFF_TRUSTED_AUTHSERV_ID"
        )
    if settings.trusted_relays:
        raise ConfigError(
            f"HANDOFF_TRUSTED_RELAYS is read only in relay mode, but HANDOFF_SENDER_AUTH={mode}; "
            "set HANDOFF_SENDER_AUTH=relay (with HANDOFF_TRUSTED_AUTHSERV_ID) or unset HANDOFF_TRUSTED_RELAYS"
        )
