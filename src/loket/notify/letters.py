"""The daily print batch: every paper letter due, rendered in its reader's language, one PDF
for the print room, and the letters marked sent in the same transaction.

A letter goes out on the sending office's paper (the office the message is about), to the
citizen's current address. The batch is written to its file before the transaction commits:
if the commit fails the letters stay due and are printed again the next day, never lost.
"""

import textwrap
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any

from babel.dates import format_date
from pyhanko.pdf_utils import generic as pdf_generic
from pyhanko.pdf_utils import writer as pdf_writer
from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from loket.notify.channels import Channel
from loket.notify.recipients import OfficeCard, offices, recipients
from loket.notify.texts import LOCALES, gettext, render
from loket.store.outbox import OutboxMessage
from loket.texts import N_

# pyHanko's writer classes carry no type hints; reach them through `Any` in one place.
generic: Any = pdf_generic
PdfFileWriter: Any = pdf_writer.PdfFileWriter
PageObject: Any = pdf_writer.PageObject

A4 = (0, 0, 595, 842)
LINES_PER_PAGE = 52
WRAP = 88
# Which payload field names the office a letter comes from, most telling first.
SENDER_FIELDS = ("office_id", "to_office", "office", "from_office")
REFERENCE = N_("Our reference")

outbox: Table = OutboxMessage.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class PrintBatch:
    day: date
    letters: int
    pages: int
    pdf: bytes
    languages: dict[str, int]


def _escape(text: str) -> bytes:
    # WinAnsi (cp1252) covers the letters of nl/fr/de; anything else is printed as "?".
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _sender(payload: dict[str, Any], cards: dict[str, OfficeCard]) -> OfficeCard | None:
    for key in SENDER_FIELDS:
        value = payload.get(key)
        if isinstance(value, str) and value in cards:
            return cards[value]
    return None


def _letter_lines(
    row: Any, who: Any, cards: dict[str, OfficeCard], day: date
) -> list[tuple[str, str]]:
    """(font, text) lines of one letter; font F1 is regular, F2 bold."""
    office = _sender(row.payload, cards)
    text = render(row.topic, row.payload, who.language, cards, who.name)
    _ = gettext(who.language)
    lines: list[tuple[str, str]] = []
    if office is not None:
        lines += [("F2", office.name), *(("F1", a) for a in office.address)]
        if office.phone:
            lines.append(("F1", office.phone))
    else:
        lines.append(("F2", "loket"))
    lines += [("F1", "")] * 3
    lines += [("F1", who.name), *(("F1", a) for a in who.address)]
    lines += [("F1", "")] * 2
    lines.append(("F1", format_date(day, "long", locale=LOCALES[who.language])))
    lines.append(("F1", f"{_(REFERENCE)}: {row.message_id or row.id}"))
    lines += [("F1", ""), ("F2", text.subject), ("F1", "")]
    for paragraph in text.body.split("\n"):
        wrapped = textwrap.wrap(paragraph, WRAP) or [""]
        lines += [("F1", part) for part in wrapped]
    return lines


def _font(name: str) -> Any:
    return generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name(name),
            generic.pdf_name("/Encoding"): generic.pdf_name("/WinAnsiEncoding"),
        }
    )


def _pdf(letters: list[list[tuple[str, str]]]) -> tuple[bytes, int]:
    writer = PdfFileWriter(stream_xrefs=False)
    resources = generic.DictionaryObject(
        {
            generic.pdf_name("/Font"): generic.DictionaryObject(
                {
                    generic.pdf_name("/F1"): writer.add_object(_font("/Helvetica")),
                    generic.pdf_name("/F2"): writer.add_object(_font("/Helvetica-Bold")),
                }
            )
        }
    )
    pages = 0
    for lines in letters:
        # Each letter starts on a new page, so that the print room can fold and post it alone.
        for start in range(0, len(lines), LINES_PER_PAGE):
            operations = [b"BT 60 780 Td"]
            for font, line in lines[start : start + LINES_PER_PAGE]:
                operations.append(b"/%s 10 Tf (%s) Tj 0 -14 Td" % (font.encode(), _escape(line)))
            operations.append(b"ET")
            stream = writer.add_object(generic.StreamObject(stream_data=b"\n".join(operations)))
            writer.insert_page(PageObject(stream, A4, resources))
            pages += 1
    out = BytesIO()
    writer.write(out)
    return out.getvalue(), pages


def print_batch(session: Session, day: date, at: datetime) -> PrintBatch:
    """Render every letter written up to the end of `day` and not printed yet, and mark them
    sent at `at`. The caller commits once the PDF is safely stored."""
    query = (
        select(outbox)
        .where(
            outbox.c.channel == Channel.LETTER.value,
            outbox.c.sent_at.is_(None),
            outbox.c.dead_at.is_(None),
            outbox.c.created_at < datetime.combine(day + timedelta(days=1), time()),
        )
        .order_by(outbox.c.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query).all()
    known = recipients(session, {(r.recipient_kind, r.recipient_id) for r in rows})
    cards = offices(
        session,
        (v for r in rows for k, v in r.payload.items() if "office" in k and isinstance(v, str)),
    )
    letters: list[list[tuple[str, str]]] = []
    printed: list[int] = []
    rechoose: list[int] = []
    languages: dict[str, int] = {}
    for row in rows:
        who = known.get((row.recipient_kind, row.recipient_id))
        if who is None or not who.address:
            rechoose.append(row.id)  # moved abroad unknown, or gone: the sender looks again
            continue
        letters.append(_letter_lines(row, who, cards, day))
        printed.append(row.id)
        languages[who.language] = languages.get(who.language, 0) + 1
    pdf, pages = _pdf(letters) if letters else (b"", 0)
    for start in range(0, len(printed), 900):
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_(printed[start : start + 900]))
            .values(sent_at=at, attempts=outbox.c.attempts + 1)
        )
    if rechoose:
        session.execute(update(outbox).where(outbox.c.id.in_(rechoose)).values(channel=None))
    return PrintBatch(day, len(printed), pages, pdf, languages)
