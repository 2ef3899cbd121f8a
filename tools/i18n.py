"""Translation workflow: extract UI strings, fill Vietnamese, build .qm.

    python tools/i18n.py update            # pyside6-lupdate over loyalty_desktop/ui -> loyalty_vi.ts
    python tools/i18n.py translate F.json  # {"source": "bản dịch"} or {"Context|source": "…"}
    python tools/i18n.py missing           # untranslated strings (exit 1 if any)
    python tools/i18n.py release           # pyside6-lrelease -> resources/translations/*.qm

update and translate take a file lock, so several engineers can run them at once.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS_DIR = ROOT / "resources" / "translations"
APP_TS = TS_DIR / "loyalty_vi.ts"
SOURCES = ROOT / "loyalty_desktop" / "ui"


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return str(exe)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6-Essentials in this environment")
    return found


@contextlib.contextmanager
def _locked():
    TS_DIR.mkdir(parents=True, exist_ok=True)
    with open(TS_DIR / ".lock", "w") as fh:
        try:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)
        except ImportError:  # Windows: engineers there run one at a time
            pass
        yield


def _update() -> None:
    files = sorted(str(p) for p in SOURCES.rglob("*.py"))
    cmd = [_tool("pyside6-lupdate"), "-silent", "-no-obsolete", "-locations", "none", *files, "-ts", str(APP_TS)]
    if not APP_TS.exists():
        cmd[1:1] = ["-target-language", "vi_VN", "-source-language", "en_US"]
    subprocess.run(cmd, check=True)


def messages(ts: Path = APP_TS):
    tree = ET.parse(ts)
    for context in tree.getroot().iter("context"):
        ctx_name = context.findtext("name")
        for msg in context.iter("message"):
            yield tree, ctx_name, msg


def missing(ts: Path = APP_TS) -> list[tuple[str, str]]:
    out = []
    for _tree, ctx, msg in messages(ts):
        tr = msg.find("translation")
        text = "".join(tr.itertext()) if tr is not None else ""
        if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished") or not text.strip():
            if tr is not None and tr.get("type") in ("obsolete", "vanished"):
                continue
            out.append((ctx, msg.findtext("source")))
    return out


def _translate(mapping: dict[str, str]) -> int:
    tree = ET.parse(APP_TS)
    done = 0
    for context in tree.getroot().iter("context"):
        ctx = context.findtext("name")
        for msg in context.iter("message"):
            source = msg.findtext("source")
            value = mapping.get(f"{ctx}|{source}", mapping.get(source))
            if value is None:
                continue
            tr = msg.find("translation")
            if tr is None:
                tr = ET.SubElement(msg, "translation")
            if msg.get("numerus") == "yes":
                for child in list(tr):
                    tr.remove(child)
                ET.SubElement(tr, "numerusform").text = value
                tr.text = None
            else:
                tr.text = value
            tr.attrib.pop("type", None)
            done += 1
    ET.indent(tree, space="    ")
    with open(APP_TS, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(fh, encoding="utf-8", xml_declaration=False)
    return done


def release(out_dir: Path = TS_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    built = []
    for ts in sorted(TS_DIR.glob("*.ts")):
        qm = out_dir / ts.with_suffix(".qm").name
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"update", "translate", "missing", "release"}:
        print(__doc__)
        return 2
    cmd = argv[0]
    if cmd == "update":
        with _locked():
            _update()
        print(f"{APP_TS.relative_to(ROOT)}: {len(missing())} untranslated")
    elif cmd == "translate":
        mapping = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        with _locked():
            _update()
            n = _translate(mapping)
            _update()  # back to lupdate's own layout (ElementTree indents differently: a noisy diff)
        print(f"translated {n} messages; {len(missing())} still untranslated")
    elif cmd == "missing":
        todo = missing()
        for ctx, source in todo:
            print(f"{ctx}|{source}")
        return 1 if todo else 0
    elif cmd == "release":
        for qm in release():
            print(qm.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
