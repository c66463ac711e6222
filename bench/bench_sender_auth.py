"""Sender authentication benchmark: what one verdict costs in each mode, and on hostile headers.

Run: ``.venv/bin/python bench/bench_sender_auth.py [--rounds N]``. Envelope and relay
mode read the demo deal's messages (and the real-mail corpus when ``../shared`` is
there) with an Authentication-Results header from the trusted border added; verify
mode checks a DKIM-signed message against the loopback DNS server of the tests
(tests/fakes/dns_server.py; its resolver cache is cleared every round, so each
verdict pays its DNS queries). The hostile rows are the worst inputs the limits allow:
three 2 KB Authentication-Results headers that mention our authserv-id without being
ours (each is parsed), and a 256 KB header block. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, bench_settings, demo_messages, print_table

from mailflows.inbound.sender_auth import Arrival, SenderAuthenticator
from tests.fakes.dns_server import dns_server
from tests.sender_auth_support import message, new_key, sign

CORPUS = ROOT.parent / "shared" / "corpus" / "real-mail"
OURS = "mx.northwind.example"
BORDER = f"Authentication-Results: {OURS}; dmarc=pass header.from=northwind.example\r\n".encode()


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    fn()  # warm-up: imports, the public suffix list, compiled patterns
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def row(name: str, count: int, samples: list[float]) -> list[object]:
    per = statistics.median(samples) / count
    return [name, count, f"{per * 1e6:,.0f}", f"{max(samples) / count * 1e6:,.0f}", f"{1 / per:,.0f}"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    mails = [BORDER + raw for raw in demo_messages()]
    if CORPUS.is_dir():
        mails += [BORDER + p.read_bytes() for p in sorted(CORPUS.rglob("*.eml"))]
    rows = []
    with tempfile.TemporaryDirectory(prefix="handoff-bench-auth-") as tmp:
        work = Path(tmp)
        envelope = SenderAuthenticator(bench_settings(work))
        relay = SenderAuthenticator(bench_settings(work, trusted_authserv_id=OURS, trusted_relays="10.0.0.0/8"))
        arrival = Arrival("smtp", mail_from="sam.okafor@northwind.example", peer_ip="10.0.0.5", helo="mx")
        rows.append(
            row("envelope", len(mails), timed(lambda: [envelope.check(m, arrival) for m in mails], args.rounds))
        )
        rows.append(row("relay", len(mails), timed(lambda: [relay.check(m, arrival) for m in mails], args.rounds)))

        filler = "; ".join(f"dkim=neutral header.d=d{i}.example" for i in range(200))[:2000]
        hostile = "".join(f"Authentication-Results: {OURS}x; {filler}\r\n" for i in range(3)).encode()
        many = hostile + BORDER + message("sam.okafor@northwind.example")
        rows.append(
            row("relay, 3 x 2 KB look-alike results", 1, timed(lambda: relay.check(many, arrival), args.rounds))
        )
        big = b"X-Junk: " + b"x" * (256 * 1024 - 200) + b"\r\n" + message("sam.okafor@northwind.example")
        rows.append(row("envelope, 256 KB header", 1, timed(lambda: envelope.check(big, arrival), args.rounds)))

        key = new_key()
        signed = sign(message("rep@lumendata.example"), "lumendata.example", key)
        with dns_server() as dns:
            dns.add("sel._domainkey.lumendata.example", "TXT", key.record)
            dns.add("lumendata.example", "TXT", "v=spf1 ip4:127.0.0.0/8 -all")
            dns.add("_dmarc.lumendata.example", "TXT", "v=DMARC1; p=reject")
            verify = SenderAuthenticator(
                bench_settings(work, sender_auth="verify", dns_nameservers="127.0.0.1", dns_port=dns.port)
            )
            resolver = verify._verifier.resolver if verify._verifier else None
            local = Arrival("smtp", mail_from="rep@lumendata.example", peer_ip="127.0.0.1", helo="mx")

            def one_verify() -> None:
                if resolver is not None and resolver.cache is not None:
                    resolver.cache.flush()
                if verify.check(signed, local).address is None:
                    raise SystemExit("verify mode did not authenticate the signed message")

            rows.append(row("verify (DKIM+SPF+DMARC, loopback DNS)", 1, timed(one_verify, args.rounds)))
    print_table(
        f"Sender verdict cost ({args.rounds} rounds, median and worst per message)",
        ["mode / input", "messages", "µs per message (median)", "µs (worst round)", "messages per second"],
        rows,
        note="goal: envelope and relay cheap enough to run inline in the SMTP intake (well under 10 ms a message)",
    )


if __name__ == "__main__":
    main()
