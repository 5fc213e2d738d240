"""Accept or reject every tracked change of a .docx in LibreOffice, and save the result as .docx.

    python3 tests/libreoffice_changes.py accept|reject IN.docx OUT.docx PROFILE_DIR

Run with the Python that has LibreOffice's UNO bridge (Debian's python3-uno, /usr/bin/python3),
not the project's virtualenv. The tests use it to check the Word exports with another reader
of tracked changes than the project's own.

The comments' anchors are taken out of the copy LibreOffice opens: LibreOffice 7.4 without a
display aborts loading a commented document through UNO (its conversions from the command
line do not), and a comment is no tracked change.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

COMMANDS = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}
COMMENT_ANCHOR = re.compile(rb"<w:commentRange(?:Start|End)\b[^>]*/>|<w:commentReference\b[^>]*/>")


def without_comments(source: str, target: str) -> None:
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for entry in archive.infolist():
            content = archive.read(entry)
            if entry.filename == "word/document.xml":
                content = COMMENT_ANCHOR.sub(b"", content)
            copy.writestr(entry, content)


def prop(name: str, value: object) -> PropertyValue:
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def main(mode: str, source: str, target: str, profile: str) -> None:
    opened = tempfile.NamedTemporaryFile(suffix=".docx", delete=False).name
    without_comments(source, opened)
    pipe = f"changes{os.getpid()}"
    options = [f"-env:UserInstallation={Path(profile).resolve().as_uri()}", "--headless", "--invisible",
               "--norestore", "--nologo"]
    # A new profile makes LibreOffice restart once, which would drop the bridge: make it first.
    subprocess.run(["soffice", *options, "--terminate_after_init"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120, check=False)
    office = subprocess.Popen(
        ["soffice", *options, f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + 90
        while True:
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if time.monotonic() > deadline or office.poll() is not None:
                    raise
                time.sleep(0.5)
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(Path(opened).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
        dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        dispatcher.executeDispatch(document.getCurrentController().getFrame(), COMMANDS[mode], "", 0, ())
        document.storeToURL(Path(target).resolve().as_uri(), (prop("FilterName", "MS Word 2007 XML"),))
        document.close(True)
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001 (the bridge goes away as the office quits)
            pass
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
        os.unlink(opened)


if __name__ == "__main__":
    main(*sys.argv[1:5])
