"""Read spreadsheet files into rows of cell values.

``.xlsx``/``.xlsm``/``.xls``/``.ods`` go through python-calamine (about 10× faster than openpyxl);
``.csv``/``.txt`` through the csv module with encoding (UTF-8 with/without BOM, UTF-16,
Windows-1258) and delimiter (``,`` ``;`` tab ``|``) sniffing. The format is decided by the file's
content, not its name, so a CSV saved as ``.xls`` or an ``.xlsx`` renamed ``.dat`` still reads, and a
PDF renamed ``.xlsx`` gets a clear message instead of a traceback.

Every problem the user can fix ends as ``UserError`` with a plain message (English, and ``vi=`` Vietnamese:
the UI shows ``exc.text(lang)``). Text cells are returned NFC-normalised (Windows-1258 files decode to combining marks).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import threading
import unicodedata
from pathlib import Path
from typing import Any, Iterator

from loyalty_desktop.errors import UserError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY = b"PK\x05\x06"

CSV_DELIMITERS = ",;\t|"


class FileProblem(UserError):
    """The file cannot be imported (missing, empty, damaged, encrypted, not a spreadsheet…)."""

    def __init__(self, message: str, message_vi: str = "", *, vi: str | None = None) -> None:
        super().__init__(message, vi=vi or message_vi or None)
        self.message_vi = self.vi or message  # older name of ``vi``, kept for callers


def _fix_text(value: Any) -> Any:
    if isinstance(value, str):
        if not value.isascii() and not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
    return value


class SheetData:
    """One sheet: ``head`` (the first rows, for header detection and previews), ``iter_rows()`` (all
    rows, streamed: a 1M-row sheet is never held as Python lists), ``height`` (row count, may be an
    estimate for CSV). ``first_row`` is the 1-based spreadsheet row number of the first row."""

    HEAD = 60

    def __init__(self, name: str, iter_factory, height: int, first_row: int = 1,
                 merged: list[tuple[int, int, int, int]] | None = None, on_release=None,
                 raw_factory=None, translate=None) -> None:
        self.name = name
        self._iter_factory = iter_factory
        self._on_release = on_release
        # For iter_blocks: the reader's own row iterator (no Python frame per row) and how its errors
        # become a FileProblem.
        self._raw_factory = raw_factory
        self._translate = translate
        self.height = height
        self.first_row = first_row
        self.merged = merged or []
        self.head: list[list[Any]] = []
        for i, row in enumerate(iter_factory()):
            if i >= self.HEAD:
                break
            self.head.append(row)

    def iter_rows(self) -> Iterator[list[Any]]:
        if self._iter_factory is None:
            raise RuntimeError(f"sheet {self.name!r} was released")
        return self._iter_factory()

    def iter_blocks(self, size: int) -> Iterator[list[list[Any]]]:
        """Every row, as lists of up to ``size`` rows (a big sheet's rows without per-row overhead)."""
        if self._iter_factory is None:
            raise RuntimeError(f"sheet {self.name!r} was released")
        if self._raw_factory is None:
            it = self._iter_factory()
            while True:
                block = list(itertools.islice(it, size))
                if not block:
                    return
                yield block
        try:
            it = self._raw_factory()
            while True:
                block = list(itertools.islice(it, size))
                if not block:
                    return
                yield block
        except FileProblem:
            raise
        except Exception as exc:  # noqa: BLE001 - the reader's own errors: a damaged file
            raise self._translate(exc) from exc

    def release(self) -> None:
        """Every row has been read: let the reader free the sheet (calamine holds a whole sheet in
        memory, ~as much as the import's own data for a 1M-row file)."""
        self._iter_factory = self._raw_factory = self._translate = None
        if self._on_release is not None:
            self._on_release()
            self._on_release = None

    @property
    def rows(self) -> list[list[Any]]:
        """Every row as a list (small sheets, tests)."""
        return list(self.iter_rows())


class Workbook:
    """A readable spreadsheet file: ``sheet_names``, ``first_nonempty_sheet()``, ``read(sheet)``."""

    format: str = ""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def sheet_names(self) -> list[str]:
        raise NotImplementedError

    def read(self, sheet: str | None = None) -> SheetData:
        raise NotImplementedError

    def nonempty_sheets(self) -> list[str]:
        return [name for name in self.sheet_names if self._has_data(name)]

    def _has_data(self, name: str) -> bool:
        return any(_row_has_value(r) for r in self.read(name).iter_rows())

    def resolve_sheet(self, sheet: str | int | None) -> str:
        """The sheet to import: by name (case/accents-insensitive), 1-based index, or the first non-empty."""
        names = self.sheet_names
        if sheet is None or sheet == "":
            nonempty = next((n for n in names if self._has_data(n)), None)  # stop at the first one
            if not nonempty:
                raise FileProblem(
                    f"The file {self.path.name} has no data: every sheet is empty.",
                    vi=f"Tệp {self.path.name} không có dữ liệu: mọi trang tính đều trống.",
                )
            return nonempty
        if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit() and sheet not in names):
            index = int(sheet) - 1
            if 0 <= index < len(names):
                return names[index]
        if sheet in names:
            return sheet
        wanted = _simple_fold(str(sheet))
        for name in names:
            if _simple_fold(name) == wanted:
                return name
        raise FileProblem(
            f"The file has no sheet named {sheet!r}; its sheets are: {', '.join(names)}.",
            vi=f"Tệp không có trang tính {sheet!r}; các trang tính: {', '.join(names)}.",
        )

    def close(self) -> None:
        pass


def _simple_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().split())


def _row_has_value(row: list[Any]) -> bool:
    for v in row:
        if v is None:
            continue
        if isinstance(v, str):
            if v.strip():
                return True
        else:
            return True
    return False


class _ParsedFile:
    """The last file calamine opened, with the sheet it parsed, kept for the next read of the same
    unchanged file (same path, size, modification and change times, file id).

    The import wizard reads a file for its preview, again after each change to the column mapping, and
    then imports it; calamine parses a whole sheet at once (about 28 s for a 1M-row .xlsx on a 2-core PC),
    so each read used to start from scratch. One file is kept. An import drops it once its rows are read
    (``SheetData.release``); the wizard drops it when it closes (:func:`forget_parsed`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.key: tuple | None = None
        self.book = None  # python_calamine.CalamineWorkbook
        self.sheets: dict[str, object] = {}  # name -> parsed CalamineSheet (the last one read)

    def take(self, key: tuple, open_book) -> tuple[object, dict[str, object]]:
        """The kept workbook and sheets for ``key``, or ``open_book()``'s (kept from now on)."""
        with self._lock:
            if key == self.key:
                return self.book, self.sheets
        book = open_book()
        with self._lock:
            self._close_locked()
            self.key, self.book, self.sheets = key, book, {}
            return book, self.sheets

    def holds(self, book) -> bool:
        with self._lock:
            return book is self.book

    def forget(self, key: tuple | None = None) -> None:
        """Drop the kept file (only if it is ``key``, when given)."""
        with self._lock:
            if key is None or key == self.key:
                self._close_locked()

    def _close_locked(self) -> None:
        book, self.key, self.book, self.sheets = self.book, None, None, {}
        if book is not None:
            try:
                book.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass


_PARSED = _ParsedFile()


def forget_parsed() -> None:
    """Free the file kept for the next read (the import wizard closing)."""
    _PARSED.forget()


def parsed_file() -> tuple | None:
    """The identity (path, size, times) of the file kept for the next read, or None (tests, diagnostics)."""
    return _PARSED.key


def _file_key(path: Path) -> tuple:
    st = path.stat()
    return (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


class CalamineBook(Workbook):
    def __init__(self, path: Path, fmt: str) -> None:
        super().__init__(path)
        self.format = fmt
        import python_calamine as pc

        self._key = _file_key(path)
        try:
            self._wb, self._sheets = _PARSED.take(self._key, lambda: pc.CalamineWorkbook.from_path(str(path)))
            names = self._wb.sheet_names
        except pc.PasswordError as exc:
            raise _password_protected(path) from exc
        except Exception as exc:  # noqa: BLE001 - calamine raises many kinds for damaged files
            if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
                raise _password_protected(path) from exc
            raise _damaged(path, exc) from exc
        self._names = list(names)
        self._cache: dict[str, SheetData] = {}

    @property
    def sheet_names(self) -> list[str]:
        return self._names

    def _sheet(self, name: str):
        import python_calamine as pc

        if name in self._sheets:
            return self._sheets[name]
        try:
            ws = self._wb.get_sheet_by_name(name)
            self._sheets.clear()  # loading a sheet is the expensive part: keep the last one (shared, see _ParsedFile)
            self._sheets[name] = ws
            return ws
        except pc.PasswordError as exc:
            raise _password_protected(self.path) from exc
        except Exception as exc:  # noqa: BLE001
            raise _damaged(self.path, exc) from exc

    def read(self, sheet: str | None = None) -> SheetData:
        name = self.resolve_sheet(sheet) if sheet is None or sheet not in self._names else sheet
        if name in self._cache:
            return self._cache[name]
        ws = self._sheet(name)
        merged: list[tuple[int, int, int, int]] = []
        try:
            for rng in ws.merged_cell_ranges or []:
                (r0, c0), (r1, c1) = rng
                merged.append((r0, c0, r1, c1))
        except Exception:  # noqa: BLE001 - merged ranges are a hint only (not available for every format)
            merged = []
        start = ws.start or (0, 0)
        path = self.path

        def rows():
            try:
                # iter_rows starts at the sheet's first row (empty rows above the used range included),
                # so row numbers match the spreadsheet.
                yield from ws.iter_rows()
            except FileProblem:
                raise
            except Exception as exc:  # noqa: BLE001
                raise _damaged(path, exc) from exc

        def release():
            self._cache.pop(name, None)
            self._sheets.pop(name, None)
            _PARSED.forget(self._key)  # every row was read: nothing is left to reuse

        data = SheetData(name, rows, height=start[0] + (ws.height or 0), merged=merged, on_release=release,
                         raw_factory=ws.iter_rows, translate=lambda exc: _damaged(path, exc))
        self._cache = {name: data}  # keep only the last sheet: big files
        return data

    def _has_data(self, name: str) -> bool:
        ws = self._sheet(name)
        try:
            for row in ws.iter_rows():
                if _row_has_value(row):
                    return True
        except Exception as exc:  # noqa: BLE001
            raise _damaged(self.path, exc) from exc
        return False

    def close(self) -> None:
        if _PARSED.holds(self._wb):
            return  # kept for the next read of this file (_ParsedFile closes it when it lets go)
        try:
            self._wb.close()
        except Exception:  # noqa: BLE001
            pass


class CsvBook(Workbook):
    format = "csv"

    def __init__(self, path: Path, raw: bytes) -> None:
        super().__init__(path)
        self.encoding, text = decode_text(raw, path)
        self.delimiter = sniff_delimiter(text)
        self._text = text
        self._data: SheetData | None = None

    @property
    def sheet_names(self) -> list[str]:
        return [self.path.stem]

    def read(self, sheet: str | None = None) -> SheetData:
        if sheet not in (None, "", self.path.stem, 1, "1"):
            self.resolve_sheet(sheet)  # raises the "no such sheet" message
        text, delimiter, path = self._text, self.delimiter, self.path

        def rows():
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            try:
                for row in reader:
                    yield [v.strip() for v in row]
            except csv.Error as exc:
                raise _damaged(path, exc) from exc

        if self._data is None:
            def release():
                self._data = None

            self._data = SheetData(self.path.stem, rows, height=max(1, text.count("\n") + 1), on_release=release)
        return self._data

    def resolve_sheet(self, sheet: str | int | None) -> str:
        if sheet in (None, "", self.path.stem, 1, "1"):
            if not any(_row_has_value(r) for r in self.read(None).iter_rows()):
                raise FileProblem(
                    f"The file {self.path.name} has no data.",
                    vi=f"Tệp {self.path.name} không có dữ liệu.",
                )
            return self.path.stem
        raise FileProblem(
            f"A CSV file has a single sheet; there is no sheet {sheet!r}.",
            vi=f"Tệp CSV chỉ có một trang tính; không có trang {sheet!r}.",
        )


def decode_text(raw: bytes, path: Path | None = None) -> tuple[str, str]:
    """Decode CSV bytes: BOMs first, then UTF-16 without BOM, UTF-8, else Windows-1258. Text is NFC."""
    if raw.startswith(codecs.BOM_UTF8):
        enc, body = "utf-8", raw[3:]
    elif raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        enc, body = "utf-16", raw
    else:
        head = raw[:4000]
        if head and head.count(b"\x00") > len(head) // 4:
            # UTF-16 without a BOM: ASCII characters have a zero byte on one side.
            enc = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
            body = raw
        else:
            try:
                body = raw
                text = raw.decode("utf-8")
                return "utf-8", unicodedata.normalize("NFC", text)
            except UnicodeDecodeError:
                enc = "cp1258"
    try:
        text = body.decode(enc)
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "The file's text encoding could not be recognised (tried UTF-8, UTF-16, Windows-1258).",
            vi="Không nhận ra bảng mã của tệp (đã thử UTF-8, UTF-16, Windows-1258).",
        ) from exc
    if "\x00" in text:
        raise _not_spreadsheet(path)
    return enc, unicodedata.normalize("NFC", text)


def sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    if not lines:
        return ","
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=CSV_DELIMITERS)
        return dialect.delimiter
    except csv.Error:
        pass
    # Fallback: the delimiter that splits the most lines into the same number of fields (> 1).
    best, best_score = ",", 0
    for d in CSV_DELIMITERS:
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines[:20]]
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * (common > 1) * common
        if score > best_score:
            best, best_score = d, score
    return best


def _password_protected(path: Path) -> FileProblem:
    return FileProblem(
        f"The file {path.name} is password-protected. Open it in Excel, remove the password "
        "(File › Info › Protect Workbook) and save it again, then import it.",
        vi=f"Tệp {path.name} được đặt mật khẩu. Hãy mở bằng Excel, gỡ mật khẩu (Tệp › Thông tin › "
        "Bảo vệ sổ làm việc), lưu lại rồi nhập lại.",
    )


def _damaged(path: Path, exc: Exception | None = None) -> FileProblem:
    return FileProblem(
        f"The file {path.name} is damaged or is not a spreadsheet Loyalty Desktop can read "
        "(.xlsx, .xls, .ods, .csv). Open it in Excel and save it again as .xlsx.",
        vi=f"Tệp {path.name} bị hỏng hoặc không phải bảng tính đọc được (.xlsx, .xls, .ods, .csv). "
        "Hãy mở bằng Excel và lưu lại dạng .xlsx.",
    )


def _not_spreadsheet(path: Path | None) -> FileProblem:
    name = path.name if path else "This file"
    return FileProblem(
        f"{name} is not a spreadsheet. Choose an Excel (.xlsx, .xls), OpenDocument (.ods) or CSV file.",
        vi=f"{name} không phải bảng tính. Hãy chọn tệp Excel (.xlsx, .xls), OpenDocument (.ods) hoặc CSV.",
    )


_BINARY_MAGIC = (
    b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"MZ", b"\x7fELF", b"Rar!", b"7z\xbc\xaf",
    b"\x1f\x8b", b"SQLite format 3", b"BM",
)


def _ole_is_encrypted(path: Path) -> bool:
    """An encrypted .xlsx is an OLE container holding "EncryptedPackage" (stored as UTF-16 names)."""
    needles = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
    try:
        with open(path, "rb") as fh:
            head = fh.read(8 * 1024 * 1024)
            fh.seek(0, 2)
            size = fh.tell()
            tail = b""
            if size > len(head):  # the directory may sit at the end of a big file
                fh.seek(max(len(head), size - 8 * 1024 * 1024))
                tail = fh.read()
    except OSError:
        return False
    return any(n in head or n in tail for n in needles)


def open_workbook(path: str | Path) -> Workbook:
    """Open a spreadsheet by its content. Raises ``FileProblem`` (a ``UserError``) with a clear message."""
    path = Path(path)
    if not path.exists():
        raise FileProblem(f"File not found: {path}", vi=f"Không tìm thấy tệp: {path}")
    if path.is_dir():
        raise FileProblem(f"{path} is a folder, not a file.", vi=f"{path} là thư mục, không phải tệp.")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise FileProblem(f"Cannot open {path.name}: {exc.strerror or exc}",
                          vi=f"Không mở được {path.name}: {exc.strerror or exc}") from exc
    if size == 0:
        raise FileProblem(f"The file {path.name} is empty.", vi=f"Tệp {path.name} trống.")
    ext = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        if _ole_is_encrypted(path):
            raise _password_protected(path)
        return CalamineBook(path, "xls")
    if head.startswith(ZIP_MAGIC) or head.startswith(ZIP_EMPTY):
        fmt = "ods" if ext == ".ods" else "xlsx"
        try:
            import zipfile

            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
            if "content.xml" in names and "xl/workbook.xml" not in names:
                fmt = "ods"
            elif "xl/workbook.xml" not in names and "content.xml" not in names:
                raise _not_spreadsheet(path)
        except FileProblem:
            raise
        except Exception as exc:  # noqa: BLE001 - bad zip
            raise _damaged(path, exc) from exc
        return CalamineBook(path, fmt)
    if any(head.startswith(m) for m in _BINARY_MAGIC):
        raise _not_spreadsheet(path)
    with open(path, "rb") as fh:
        raw = fh.read()
    # Text? A few NULs are allowed only for UTF-16.
    is_utf16 = raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE)
    sample = raw[:8192]
    if not is_utf16 and b"\x00" in sample and sample.count(b"\x00") < len(sample) // 4:
        raise _not_spreadsheet(path)
    if not is_utf16 and b"\x00" not in sample:
        control = sum(1 for b in sample if b < 9 or 13 < b < 32)
        if control > len(sample) // 100 + 2:
            raise _not_spreadsheet(path)
    if ext in (".xlsx", ".xlsm", ".ods") and not raw.lstrip()[:1].isalnum() and b"<" in raw[:10]:
        raise _not_spreadsheet(path)
    if raw.lstrip()[:5].lower() in (b"<html", b"<!doc", b"<?xml"):
        # Some POS systems export an HTML table named .xls: not something we can read faithfully.
        raise FileProblem(
            f"{path.name} is a web page (HTML), not a real spreadsheet. Open it in Excel and save it as .xlsx.",
            vi=f"{path.name} là trang web (HTML), không phải bảng tính thật. Hãy mở bằng Excel và lưu dạng .xlsx.",
        )
    return CsvBook(path, raw)
