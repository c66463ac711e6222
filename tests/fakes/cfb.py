"""A minimal Compound File Binary (OLE2) writer, to make Outlook .msg fixtures in tests.

What it is for: ``write_cfb({"path/inside": bytes, ...})`` returns the bytes of a version 3
compound file (512-byte sectors, a mini stream for streams under 4096 bytes) that olefile
and Outlook's readers open. ``outlook_msg(...)`` lays out the MAPI property streams of a
.msg. Not for: production code (the service only reads .msg files).
"""

from __future__ import annotations

import struct

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else END


def _sectors(n_bytes: int, size: int) -> int:
    return max(1, -(-n_bytes // size))


def write_cfb(streams: dict[str, bytes]) -> bytes:
    # The directory: root, then storages and streams in path order.
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "children": [], "data": b""}]
    index: dict[str, int] = {"": 0}
    for path in sorted(streams):
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            key = "/".join(parts[:depth])
            if key in index:
                continue
            is_stream = depth == len(parts)
            entry = {"name": parts[depth - 1], "type": 2 if is_stream else 1, "children": [], "data": b""}
            if is_stream:
                entry["data"] = streams[path]
            index[key] = len(entries)
            entries.append(entry)
            entries[index["/".join(parts[: depth - 1])]]["children"].append(index[key])

    # Small streams live in the mini stream; the rest in regular sectors.
    mini = bytearray()
    minifat: list[int] = []
    big: list[tuple[int, bytes]] = []
    for i, entry in enumerate(entries):
        if entry["type"] != 2:
            continue
        data = entry["data"]
        if len(data) < CUTOFF:
            start = len(minifat)
            count = _sectors(len(data), MINI)
            minifat.extend([FREE] * count)
            _chain(minifat, start, count)
            entry["start"] = start
            mini += data.ljust(count * MINI, b"\0")
        else:
            big.append((i, data))

    layout: list[bytes] = []  # sector contents in order
    fat: list[int] = []

    def place(data: bytes) -> int:
        start = len(layout)
        count = _sectors(len(data), SECTOR)
        padded = data.ljust(count * SECTOR, b"\0")
        for k in range(count):
            layout.append(padded[k * SECTOR : (k + 1) * SECTOR])
        fat.extend([FREE] * count)
        _chain(fat, start, count)
        return start

    entries[0]["start"] = place(bytes(mini)) if mini else END
    entries[0]["size"] = len(mini)
    for i, data in big:
        entries[i]["start"] = place(data)
    minifat_start = place(b"".join(struct.pack("<I", v) for v in minifat).ljust(SECTOR, b"\xff")) if minifat else END
    minifat_count = _sectors(len(minifat) * 4, SECTOR) if minifat else 0

    def dir_entry(i: int) -> bytes:
        entry = entries[i]
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        kids = entry["children"]
        right = entry.get("right", NOSTREAM)
        child = kids[0] if kids else NOSTREAM
        size = entry.get("size", len(entry["data"]))
        start = entry.get("start", END if entry["type"] != 1 else 0)
        return (
            name.ljust(64, b"\0")
            + struct.pack("<HBB", len(name), entry["type"], 1)
            + struct.pack("<III", NOSTREAM, right, child)
            + b"\0" * 16
            + struct.pack("<I", 0)
            + b"\0" * 16
            + struct.pack("<IQ", start if entry["type"] != 1 else 0, size if entry["type"] != 1 else 0)
        )

    for entry in entries:  # siblings as a right-leaning chain (all black): readers walk it
        kids = entry["children"]
        for a, b in zip(kids, kids[1:], strict=False):
            entries[a]["right"] = b
    directory = b"".join(dir_entry(i) for i in range(len(entries)))
    empty = b"\0" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) + b"\0" * 44
    while len(directory) % SECTOR:
        directory += empty
    dir_start = place(directory)

    # FAT sectors go last; they must also map themselves.
    n_fat = 1
    while len(layout) + n_fat > n_fat * (SECTOR // 4):
        n_fat += 1
    fat_start = len(layout)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREE] * (n_fat * (SECTOR // 4) - len(fat)))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    for k in range(n_fat):
        layout.append(fat_bytes[k * SECTOR : (k + 1) * SECTOR])
    difat = [fat_start + k for k in range(n_fat)] + [FREE] * (109 - n_fat)

    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIII", 0, n_fat, dir_start, 0)
        + struct.pack("<IIIII", CUTOFF, minifat_start, minifat_count, END, 0)
        + b"".join(struct.pack("<I", v) for v in difat)
    )
    return header + b"".join(layout)


def _text(value: str) -> bytes:
    return value.encode("utf-16-le")


def outlook_msg(
    *,
    subject: str,
    body: str,
    sender_name: str,
    sender_email: str,
    headers: str = "",
    recipients: list[tuple[str, str]] = (),  # type: ignore[assignment]
    attachments: dict[str, bytes] | None = None,
) -> bytes:
    """A .msg as Outlook saves one: MAPI properties as ``__substg1.0_<tag>`` streams."""
    streams = {
        "__substg1.0_0037001F": _text(subject),
        "__substg1.0_1000001F": _text(body),
        "__substg1.0_0C1A001F": _text(sender_name),
        "__substg1.0_0C1F001F": _text(sender_email),
        "__properties_version1.0": b"\0" * 32,
    }
    if headers:
        streams["__substg1.0_007D001F"] = _text(headers)
    for n, (name, address) in enumerate(recipients):
        folder = f"__recip_version1.0_#{n:08X}"
        streams[f"{folder}/__substg1.0_3001001F"] = _text(name)
        streams[f"{folder}/__substg1.0_39FE001F"] = _text(address)
        streams[f"{folder}/__properties_version1.0"] = b"\0" * 8
    for n, (filename, data) in enumerate((attachments or {}).items()):
        folder = f"__attach_version1.0_#{n:08X}"
        streams[f"{folder}/__substg1.0_3707001F"] = _text(filename)
        streams[f"{folder}/__substg1.0_37010102"] = data
        streams[f"{folder}/__properties_version1.0"] = b"\0" * 8
    return write_cfb(streams)
