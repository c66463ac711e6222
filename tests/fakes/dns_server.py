"""A small authoritative DNS server on loopback, for testing DKIM, SPF and DMARC checks.

What it is for: ``DnsServer`` answers real DNS queries over UDP and TCP on
127.0.0.1 and one free port (the same number for both), built on dnspython's message
API: ``add(name, type, *values)`` publishes records (TXT values as Python strings,
split into 255-byte character-strings like a real zone), names with no records give
NXDOMAIN, names with other types give an empty answer, ``silence(name)`` makes the
server never answer for a name (a timeout for the client), ``fail(name)`` answers
SERVFAIL. Every query is recorded in ``queries``. Not for: recursion, wildcards or
DNSSEC.
"""

from __future__ import annotations

import socketserver
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from dns.rdtypes.ANY.TXT import TXT


class DnsServer:
    def __init__(self) -> None:
        self.records: dict[tuple[str, str], list[dns.rdata.Rdata]] = {}
        self.silent: set[str] = set()
        self.failing: set[str] = set()
        self.queries: list[tuple[str, str]] = []
        self.port = 0
        self._lock = threading.Lock()
        self._servers: list[socketserver.BaseServer] = []

    @staticmethod
    def _key(name: str) -> str:
        return name.lower().rstrip(".") + "."

    def add(self, name: str, rdtype: str, *values: str) -> None:
        key = self._key(name)
        for value in values:
            if rdtype == "TXT":
                data = value.encode()
                rdata: dns.rdata.Rdata = TXT(
                    dns.rdataclass.IN, dns.rdatatype.TXT, [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]
                )
            else:
                rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), value)
            with self._lock:
                self.records.setdefault((key, rdtype), []).append(rdata)

    def silence(self, name: str) -> None:
        self.silent.add(self._key(name))

    def fail(self, name: str) -> None:
        self.failing.add(self._key(name))

    def answer(self, wire: bytes) -> bytes | None:
        """The response to one query in wire format; None to stay silent."""
        try:
            query = dns.message.from_wire(wire)
        except Exception:
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if not query.question:
            response.set_rcode(dns.rcode.FORMERR)
            return response.to_wire()
        question = query.question[0]
        name = question.name.to_text().lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        with self._lock:
            self.queries.append((name, rdtype))
            if name in self.silent:
                return None
            if name in self.failing:
                response.set_rcode(dns.rcode.SERVFAIL)
                return response.to_wire()
            known = any(key == name for key, _ in self.records)
            found = list(self.records.get((name, rdtype), []))
        if not known:
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif found:
            rrset = dns.rrset.from_rdata_list(question.name, 300, found)
            response.answer.append(rrset)
        return response.to_wire(max_size=65535)

    def start(self) -> None:
        server = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                reply = server.answer(data)
                if reply is not None:
                    if len(reply) > 512:  # too big for UDP: truncated, the client retries over TCP
                        query = dns.message.from_wire(data)
                        short = dns.message.make_response(query)
                        short.flags |= dns.flags.TC
                        reply = short.to_wire()
                    sock.sendto(reply, self.client_address)

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn = self.request
                conn.settimeout(5)
                try:
                    head = conn.recv(2)
                    if len(head) < 2:
                        return
                    (length,) = struct.unpack("!H", head)
                    data = b""
                    while len(data) < length:
                        chunk = conn.recv(length - len(data))
                        if not chunk:
                            return
                        data += chunk
                    reply = server.answer(data)
                    if reply is not None:
                        conn.sendall(struct.pack("!H", len(reply)) + reply)
                except OSError:
                    return

        for _ in range(20):
            udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Udp)
            port = udp.server_address[1]
            try:
                tcp = socketserver.ThreadingTCPServer(("127.0.0.1", port), Tcp)
            except OSError:
                udp.server_close()
                continue
            break
        else:
            raise RuntimeError("no free port for both UDP and TCP on 127.0.0.1")
        udp.daemon_threads = tcp.daemon_threads = True
        self.port = port
        self._servers = [udp, tcp]
        for srv in self._servers:
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        self._servers = []


@contextmanager
def dns_server() -> Iterator[DnsServer]:
    server = DnsServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
