"""Readers: turn the files users have into Documents (id, title, date, text, source).

Kinds recognised from the layout, not the file name:
- a news listing (items separated by lines holding only "-", a title line,
  then the date glued to the teaser: "12 listopada 20256–8 listopada ...");
- an official letter (reference number, "Kalisz, 2 kwietnia 2026 r.", addressee,
  subject, body, signature); a file holding a reply and the letter it answers
  gives one Document per letter;
- a news item (line 1 title, line 2 a date or "brak daty", then the body);
- an HTML page (the text of <article>, else <main>, else <body>; scripts dropped);
- any other UTF-8 text, streamed in chunks so a 50 MB file needs bounded memory.

Byte encodings: UTF-8 first; text that is not UTF-8 is decoded as cp1250 or
ISO-8859-2 (the two encodings of Polish municipal sites), chosen by which one
yields Polish letters; anything with NUL bytes is refused as binary.

>>> docs = list(read_text("Tytuł\\n12 listopada 2025\\nTreść.", "a.txt"))
>>> docs[0].title, docs[0].date, docs[0].text
('Tytuł', '2025-11-12', 'Tytuł\\n12 listopada 2025\\nTreść.')
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from kgraph.text.dates import find_dates, parse_date_line
from kgraph.errors import ReadError

__all__ = ["Document", "expand_paths", "read_path", "read_text", "decode_bytes", "detect_encoding", "CHUNK_CHARS"]

CHUNK_CHARS = 200_000  # a plain text longer than this is read in chunks of about this size
_SNIFF_BYTES = 64 * 1024
_TEASER_CUT = re.compile(r"(\w)\.\.\.(\w)")  # "Pod...sadny": a listing teaser cut mark inside a word
_LETTER_DATE = re.compile(r"(?m)^\s*\*{0,2}([A-ZŁŚŻŹĆ][\wąćęłńóśźż .-]{1,40}), (?:dn\. )?(\d{1,2} \w+ \d{4})(?: r\.)?\*{0,2}\s*$")
_REFERENCE = re.compile(r"(?m)^\s*([A-Z]{2,}[\w.]*\d[\w./-]*)\s*$")
_SUBJECT = re.compile(r"(?m)^\s*\*{0,2}((?:Interpelacja|Zapytanie|Wniosek|Dotyczy|Dot\.)[^\n*]*)\*{0,2}\s*$")
_POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


@dataclass(frozen=True)
class Document:
    """One text to extract from. `offset` is where `text` starts in its file (chunks, letters, items)."""

    id: str
    text: str
    source: str
    kind: str = "text"
    title: str | None = None
    date: str | None = None
    offset: int = 0
    reference: str | None = None
    addressee: str | None = None
    subject: str | None = None


def detect_encoding(data: bytes, name: str, *, truncated: bool = False) -> str:
    """'utf-8', else 'cp1250' or 'iso-8859-2' (whichever gives more Polish letters); NUL bytes mean binary.

    `truncated`: `data` is the head of a longer file, so a UTF-8 sequence cut at its end is fine.
    """
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise ReadError(f"{name}: binary file (NUL bytes); give a text or HTML file")
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if truncated and e.start > len(data) - 4:
            return "utf-8"
    candidates = []
    for encoding in ("cp1250", "iso-8859-2"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        polish = sum(c in _POLISH_LETTERS for c in text)
        controls = sum(0x80 <= ord(c) < 0xA0 or (ord(c) < 32 and c not in "\t\n\r\f") for c in text)
        candidates.append((polish - 10 * controls, encoding, controls / max(1, len(text))))
    if candidates and min(share for _, _, share in candidates) > 0.01:
        # text in any of these has next to no control characters; random or compressed bytes have many
        raise ReadError(f"{name}: binary file (control bytes throughout); give a text or HTML file")
    if not candidates:
        raise ReadError(f"{name}: not UTF-8, cp1250 or ISO-8859-2 text; convert it to UTF-8 (iconv -t UTF-8)")
    return max(candidates)[:2][1]


def decode_bytes(data: bytes, name: str) -> str:
    """Text of `data` in the encoding detect_encoding finds."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode(detect_encoding(data, name))


def expand_paths(paths) -> list[Path]:
    """Files of `paths`, a folder standing for the files in it (hidden ones left out), sorted."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file()
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.exists():
            files.append(path)
        else:
            raise ReadError(f"{path}: no such file or directory; give texts or `kgraph extract` output (*.jsonl)")
    return files


def read_path(path: str | Path) -> Iterator[Document]:
    """Documents from a file; ReadError for a missing, empty, binary or undecodable one."""
    path = Path(path)
    if path.is_dir():
        raise ReadError(f"{path}: a directory; give the files in it (e.g. {path}/*.txt)")
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(f"{path}: empty file; nothing to extract")
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if size > CHUNK_CHARS * 2 and not _looks_like_html(head):
        yield from _read_large(path, detect_encoding(head, str(path), truncated=True))
        return
    text = decode_bytes(path.read_bytes(), str(path))
    if not text.strip():
        raise ReadError(f"{path}: holds only whitespace; nothing to extract")
    yield from read_text(text, path.name, source=str(path))


def read_text(text: str, name: str, *, source: str | None = None) -> Iterator[Document]:
    """Documents from text already decoded, by the layout it has."""
    source = source or name
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _looks_like_html(text[:_SNIFF_BYTES].encode("utf-8", "ignore")):
        body = html_to_text(text)
        title = next((line.strip() for line in body.splitlines() if line.strip()), None)
        yield Document(name, body, source, kind="web-page", title=title, date=_first_date(body))
        return
    if _is_listing(text):
        yield from _read_listing(text, name, source)
        return
    letters = list(_LETTER_DATE.finditer(text))
    if letters:
        yield from _read_letters(text, name, source, letters)
        return
    lines = text.split("\n", 2)
    if len(lines) >= 2 and (lines[1].strip().casefold() == "brak daty" or parse_date_line(lines[1])):
        yield Document(name, text, source, kind="news-item", title=lines[0].strip(),
                       date=parse_date_line(lines[1]))
        return
    yield Document(name, text, source, kind="text", title=None, date=_first_date(text[:2000]))


# ---------------------------------------------------------------------------
# layouts


def _first_date(text: str) -> str | None:
    found = find_dates(text)
    return found[0].start if found and found[0].start and len(found[0].start) == 10 else None


def _is_listing(text: str) -> bool:
    return text.lstrip().startswith("-\n") and text.count(" -\n") + text.rstrip().endswith(" -") >= 1


_LISTING_ITEM = re.compile(r"(?m)^(?P<title>[^\n]+)\n(?P<date>\d{1,2} [^\W\d_]+ (?:19|20)\d{2})(?P<teaser>[^\n]*?)(?:\s-)?\s*$")


def _read_listing(text: str, name: str, source: str) -> Iterator[Document]:
    """Listing items: a title line, then 'DD month YYYY' glued to the teaser, ' -' at its end.

    The item's text is rebuilt as title, date and teaser on lines of their own, with the
    teaser's cut marks closed up ("Pod...sadny" -> "Podsadny"), so its offsets are into that text.
    """
    for number, match in enumerate(_LISTING_ITEM.finditer(text), 1):
        title, teaser = match.group("title").strip(), match.group("teaser").strip()
        body = _TEASER_CUT.sub(r"\1\2", teaser)
        yield Document(f"{name}#{number}", f"{title}\n{match.group('date')}\n{body}", source, kind="news-item",
                       title=title, date=parse_date_line(match.group("date")), offset=match.start())


def _read_letters(text: str, name: str, source: str, date_lines: list) -> Iterator[Document]:
    """Split at each place-and-date line; the reference number and addressee precede the body."""
    starts = [0] + [m.start() for m in date_lines[1:]]
    # A letter's own header (reference numbers) sits above its date line; the next letter starts
    # after the previous one's signature, so split at the date line itself for all but the first.
    for number, (start, match) in enumerate(zip(starts, date_lines), 1):
        end = starts[number] if number < len(starts) else len(text)
        block = text[start:end]
        reference = _REFERENCE.search(text[start:match.start()]) if number == 1 else None
        subject = _SUBJECT.search(block)
        addressee = _addressee(text[match.end():end])
        multiple = len(date_lines) > 1
        yield Document(f"{name}#{number}" if multiple else name, block, source,
                       kind="letter", title=subject.group(1).strip() if subject else None,
                       date=parse_date_line(match.group(2)), offset=start,
                       reference=reference.group(1) if reference else None, addressee=addressee,
                       subject=subject.group(1).strip() if subject else None)


def _addressee(after_date: str) -> str | None:
    """The bold block after the date line: 'Pan / Maciej Antczak / Radny ...' -> 'Maciej Antczak'."""
    lines = []
    for line in after_date.strip().split("\n"):
        line = line.strip()
        if not line.startswith("**"):
            break
        lines.append(line.strip("* ").strip())
    names = [line for line in lines if line not in ("Pan", "Pani", "Szanowny Pan", "Szanowna Pani")]
    if not names:
        return None
    return re.sub(r"^(?:Sz\. ?P\.|Pan|Pani)\s+", "", names[0])


def _read_large(path: Path, encoding: str) -> Iterator[Document]:
    """A big plain text as chunks of about CHUNK_CHARS, split at paragraph (else space) boundaries."""
    offset, number, buffer = 0, 0, ""
    try:
        with path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as handle:
            while True:
                piece = handle.read(CHUNK_CHARS)
                buffer += piece
                if not buffer:
                    break
                if piece and len(buffer) < CHUNK_CHARS:
                    continue
                cut = len(buffer) if not piece else _cut_point(buffer)
                number += 1
                yield Document(f"{path.name}#{number}", buffer[:cut], str(path), kind="text-chunk", offset=offset)
                offset += cut
                buffer = buffer[cut:]
                if not piece and not buffer:
                    break
    except UnicodeDecodeError as e:
        raise ReadError(f"{path}: byte {e.start} is not {encoding}; convert the file to UTF-8") from e


def _cut_point(buffer: str) -> int:
    """A boundary near the end of the buffer: a blank line, else a newline, else a space, else the end."""
    floor = len(buffer) // 2
    for separator in ("\n\n", "\n", " "):
        at = buffer.rfind(separator, floor)
        if at > 0:
            return at + len(separator)
    return len(buffer)


# ---------------------------------------------------------------------------
# HTML


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip()[:200].lower()
    return start.startswith((b"<!doctype html", b"<html")) or (b"<body" in head.lower() and b"</" in head)


class _TextCollector(HTMLParser):
    """Text of the page, with block elements as line breaks; script, style and nav dropped."""

    SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "svg", "iframe"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "main", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: dict[str, list[str]] = {"article": [], "main": [], "body": [], "all": []}
        self.open: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.parts:
            self.open.append(tag)
        if tag in self.BLOCK:
            self._add("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.parts and tag in self.open:
            self.open.remove(tag)
        if tag in self.BLOCK:
            self._add("\n")

    def handle_data(self, data):
        if not self.skipping:
            self._add(data)

    def _add(self, text):
        self.parts["all"].append(text)
        for tag in set(self.open):
            self.parts[tag].append(text)


def html_to_text(html: str) -> str:
    """Readable text of an HTML page: <article>, else <main>, else <body>."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    for tag in ("article", "main", "body", "all"):
        text = "".join(collector.parts[tag])
        if text.strip():
            lines = [" ".join(line.split()) for line in text.split("\n")]
            return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return ""
