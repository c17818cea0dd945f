"""The recording index: fingerprints stored beside the store, keyed by recording IRI.

Layout of the index folder (by default ``fingerprints/`` next to an embedded store's folder,
e.g. ``.cuegraph/fingerprints``; ``--index`` or ``CUEGRAPH_FINGERPRINTS`` choose another)::

    index.json           {"version", "method", "files": {path: entry}}
    <sha1 of IRI>.npy    one recording's raw Chromaprint sub-fingerprints (uint32)
    <sha1 of IRI>.lm.npz its landmark hashes and their frames (for identifying clips;
                         decoded with SoX — without it, or for a format SoX cannot read,
                         the entry says why and clips fall back to Chromaprint)

Each file entry keeps the file's size, modification time and SHA-256, the recording it is
linked to, how it was linked, and its duration. Re-indexing skips a file whose size and
modification time are unchanged (and one whose content hash is unchanged), so the
fingerprinter never sees it again. No audio is stored, and nothing of this goes into RDF.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cuegraph.audio.fingerprint import Fingerprint, fingerprint_file
from cuegraph.audio.link import Linker, Tags, read_tags
from cuegraph.config import Settings
from cuegraph.errors import BadInput

if TYPE_CHECKING:  # numpy is the optional [audio] extra
    import numpy as np

__all__ = ["AUDIO_SUFFIXES", "FingerprintIndex", "IndexReport", "default_index_dir", "sha256_file"]

AUDIO_SUFFIXES = (
    ".ogg",
    ".oga",
    ".opus",
    ".mp3",
    ".flac",
    ".wav",
    ".m4a",
    ".aac",
    ".wma",
    ".ape",
    ".wv",
    ".mka",
    ".aif",
    ".aiff",
)
METHOD = "chromaprint-raw"


def default_index_dir(settings: Settings) -> Path:
    """``settings.fingerprints`` (``CUEGRAPH_FINGERPRINTS``), else ``fingerprints/`` beside
    an embedded store's folder, else ``.cuegraph/fingerprints``."""
    if settings.fingerprints:
        return Path(settings.fingerprints)
    store_url = settings.store
    if store_url.startswith("oxigraph:"):
        return Path(store_url.removeprefix("oxigraph:")).parent / "fingerprints"
    return Path(".cuegraph/fingerprints")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class IndexReport:
    indexed: list[tuple[str, str, str]] = field(default_factory=list)  # file, recording, how
    skipped: list[str] = field(default_factory=list)  # unchanged files
    unlinked: list[tuple[str, str]] = field(default_factory=list)  # file, why
    failed: list[tuple[str, str]] = field(default_factory=list)  # file, error
    #: files whose landmark hashes could not be computed (file, why): identify falls back
    #: to Chromaprint alignment for their recordings
    no_landmarks: list[tuple[str, str]] = field(default_factory=list)


class FingerprintIndex:
    """Read and update the index folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / "index.json"
        self.files: dict[str, dict] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except ValueError as e:
                raise BadInput(
                    f"the fingerprint index {self.path} is damaged ({e}); "
                    "delete the folder and index again"
                ) from None
            self.files = data.get("files", {})

    def _save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {"version": 1, "method": METHOD, "files": self.files},
                indent=1,
                sort_keys=True,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        tmp.replace(self.path)

    @staticmethod
    def _fp_name(recording: str) -> str:
        return hashlib.sha1(recording.encode()).hexdigest() + ".npy"

    def recordings(self) -> dict[str, dict]:
        """{recording IRI: its file entry}."""
        return {
            e["recording"]: {**e, "file": f} for f, e in self.files.items() if e.get("recording")
        }

    @staticmethod
    def _lm_name(recording: str) -> str:
        return hashlib.sha1(recording.encode()).hexdigest() + ".lm.npz"

    def load_landmarks(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        """(recording IRI, hashes, frames) for every linked recording with landmarks."""
        import numpy as np

        out = []
        for rec, e in sorted(self.recordings().items()):
            if not e.get("landmarks"):
                continue
            p = self.folder / e["landmarks"]
            if p.exists():
                with np.load(p) as z:
                    out.append((rec, z["h"], z["t"]))
        return out

    def _add_landmarks(self, path: Path, entry: dict, landmarker, report: IndexReport) -> bool:
        """Compute and store ``path``'s landmarks into ``entry``; False if not possible."""
        import numpy as np

        from cuegraph.audio import MissingTool

        try:
            h, t = landmarker(path)
        except MissingTool as e:
            report.no_landmarks.append((str(path), e.message))
            return False  # not recorded: computed on a later run once SoX is installed
        except (ValueError, OSError) as e:
            report.no_landmarks.append((str(path), f"SoX cannot decode it ({e})"))
            entry.update(landmarks=None, landmarks_error=f"SoX cannot decode it ({e})")
            return True
        name = self._lm_name(entry["recording"])
        with open(self.folder / name, "wb") as fh:
            np.savez(fh, h=np.asarray(h, np.uint32), t=np.asarray(t, np.uint32))
        entry.update(landmarks=name, landmarks_error=None)
        return True

    def load(self) -> list[tuple[str, np.ndarray]]:
        """(recording IRI, sub-fingerprints) for every linked recording, sorted by IRI."""
        import numpy as np

        out = []
        for rec, e in sorted(self.recordings().items()):
            p = self.folder / e["fingerprint"]
            if p.exists():
                out.append((rec, np.load(p)))
        return out

    def update(
        self,
        files: Iterable[Path],
        linker: Linker,
        fingerprinter: Callable[[Path], Fingerprint] = fingerprint_file,
        on_file: Callable[[Path], None] = lambda p: None,
        landmarker: Callable[[Path], tuple] | None = None,
    ) -> IndexReport:
        """Fingerprint and link ``files`` and compute their landmark hashes; unchanged
        ones are skipped (an unchanged file indexed before landmarks existed only gets its
        landmarks). The index file is written once at the end (if something changed)."""
        import numpy as np

        if landmarker is None:
            from cuegraph.audio.landmarks import landmarks_of as landmarker

        report = IndexReport()
        changed = False
        for path in files:
            on_file(path)
            key = str(Path(path).resolve())
            st = path.stat()
            old = self.files.get(key)
            if (
                old
                and old.get("size") == st.st_size
                and old.get("mtime_ns") == st.st_mtime_ns
                and old.get("recording")
            ):
                report.skipped.append(key)
                if "landmarks" not in old:
                    changed |= self._add_landmarks(path, old, landmarker, report)
                continue
            digest = sha256_file(path)
            tags = read_tags(path)
            rec, how = linker.link(path, tags)
            if rec is None:
                report.unlinked.append((key, how))
                if old:
                    del self.files[key]
                    changed = True
                continue
            if (
                old
                and old.get("sha256") == digest
                and old.get("recording") == rec
                and (self.folder / old["fingerprint"]).exists()
            ):
                old.update(size=st.st_size, mtime_ns=st.st_mtime_ns)
                report.skipped.append(key)
                changed = True
                if "landmarks" not in old:
                    self._add_landmarks(path, old, landmarker, report)
                continue
            try:
                fp = fingerprinter(path)
            except BadInput as e:
                report.failed.append((key, e.message))
                continue
            # one file per recording: a second file linked to the same recording replaces it
            for other, entry in list(self.files.items()):
                if other != key and entry.get("recording") == rec:
                    del self.files[other]
            self.folder.mkdir(parents=True, exist_ok=True)
            name = self._fp_name(rec)
            np.save(self.folder / name, np.asarray(fp.values, dtype=np.uint32))
            self.files[key] = {
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "sha256": digest,
                "recording": rec,
                "linked_by": how,
                "duration": round(fp.duration, 3),
                "fingerprint": name,
                "title": tags.title,
                "track": tags.track,
            }
            self._add_landmarks(path, self.files[key], landmarker, report)
            report.indexed.append((key, rec, how))
            changed = True
        if changed:
            self._save()
        return report


def audio_files(folder: Path) -> list[Path]:
    """Audio files under ``folder`` (recursively), by extension, sorted."""
    if not folder.is_dir():
        raise BadInput(f"no such folder: {folder}")
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES
    )


__all__ += ["audio_files", "Tags"]
