"""Every error handoff raises on purpose, in one tree.

What it is for: callers catch by meaning (retry later vs give up) without knowing
which library failed underneath. Foreign errors are translated where they enter
(the SMTP relay, the database, the Anthropic SDK) with ``raise X from exc``.
Not for: validation of the document model (pydantic does that).

    HandoffError
    ├── ConfigError                 a setting is missing or wrong (names it and the fix)
    ├── TemporaryError              retry later: nothing is lost
    │   ├── StorageUnavailable      the database did not answer
    │   ├── RelayUnavailable        the outbound SMTP relay did not answer / 4xx
    │   ├── ExtractorUnavailable    the LLM timed out, was overloaded or rate limited
    │   └── SenderCheckDeferred     who wrote a message could not be decided yet (DNS): 451, nothing stored
    └── PermanentError              retrying will not help
        ├── SenderRefused           mail from outside the company domains
        ├── MessageTooLarge         over HANDOFF_MAX_MESSAGE_BYTES
        ├── AccountNotFound         export/search for an unknown account
        ├── InboundNotFound         a stored message id that is not there (or not quarantined)
        ├── SchemaOutdated          the database has no schema or an older one: `handoff db upgrade`
        ├── ExtractorAnswerInvalid  the LLM answered something unusable
        ├── RelayRejected           the relay refused a recipient for good (5xx)
        └── CommandRefused          a rep command that cannot be carried out (carries the reason)
"""

from __future__ import annotations


class HandoffError(Exception):
    """Base of every error handoff raises on purpose."""


class ConfigError(HandoffError):
    """A setting is missing or has a bad value; the message names it and the fix."""


class TemporaryError(HandoffError):
    """Something outside us failed for now; the work is kept and retried."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class StorageUnavailable(TemporaryError):
    """The database could not be reached or refused the write."""


class RelayUnavailable(TemporaryError):
    """The outbound relay could not be reached or answered 4xx."""


class ExtractorUnavailable(TemporaryError):
    """The LLM API timed out, was overloaded (529) or rate limited (429)."""


class SenderCheckDeferred(TemporaryError):
    """Sender authentication could not finish (DNS timed out or failed); the message is not stored."""


class PermanentError(HandoffError):
    """Retrying will not help; the reason is shown to the rep or the admin."""


class SenderRefused(PermanentError):
    """The envelope sender is not in HANDOFF_COMPANY_DOMAINS."""


class MessageTooLarge(PermanentError):
    """The message is larger than HANDOFF_MAX_MESSAGE_BYTES."""


class AccountNotFound(PermanentError):
    """No account matches the name or domain that was asked for."""


class InboundNotFound(PermanentError):
    """No stored message (in the state asked for) has that id."""


class SchemaOutdated(PermanentError):
    """The database has no schema, or an older one than this version needs; the message names the fix."""


class ExtractorAnswerInvalid(PermanentError):
    """The LLM's answer did not validate against the document model."""


class RelayRejected(PermanentError):
    """The relay refused the message for good (5xx)."""


class CommandRefused(PermanentError):
    """A command from the rep cannot be carried out; ``reason`` is shown to the rep."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
