"""Local stand-ins for services that have no local equivalent, faked at their wire protocol.

What it is for: ``FakeAnthropic`` (a loopback Messages API server), ``serving`` which
runs one for a test, and the pytest fixture ``fake_anthropic``. Not for: faking
anything that can run for real in tests (SMTP, the database and Redis run for real).
"""

from tests.fakes.anthropic_server import FakeAnthropic, fake_anthropic, serving

__all__ = ["FakeAnthropic", "fake_anthropic", "serving"]
