"""A rendered clip as Jupyter shows it: an HTML5 <video> (or <img> for GIF and WebP)."""

from __future__ import annotations

import base64
import html
from pathlib import Path

MIME_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".gif": "image/gif",
              ".webp": "image/webp", ".png": "image/png"}


class Video:
    """A clip for a notebook: embedded as a data URI when `data` is given (nothing written to
    the working folder), else referred to by its path."""

    def __init__(self, path: str | Path, data: bytes | None = None):
        self.path, self.data = Path(path), data
        self.mime_type = MIME_TYPES.get(self.path.suffix.lower(), "video/mp4")

    @property
    def embedded(self) -> bool:
        return self.data is not None

    def source(self) -> str:
        """The src attribute: a base64 data URI, or the file's path."""
        if self.data is not None:
            return f"data:{self.mime_type};base64,{base64.b64encode(self.data).decode('ascii')}"
        return html.escape(self.path.as_posix(), quote=True)

    def _repr_html_(self) -> str:
        if self.mime_type.startswith("image/"):
            return f'<img src="{self.source()}" style="max-width: 100%">'
        # Muted, so that browsers allow it to play by itself; it has no sound anyway.
        return (f'<video controls autoplay loop muted playsinline style="max-width: 100%">'
                f'<source src="{self.source()}" type="{self.mime_type}"></video>')

    def save(self, path: str | Path) -> Path:
        """Write the embedded clip to `path` (same format) and return the path."""
        from aeviz.files import atomic_path

        data = self.data if self.data is not None else self.path.read_bytes()
        with atomic_path(path) as temp:
            temp.write_bytes(data)
        return Path(path)

    def __repr__(self) -> str:
        where = f"{len(self.data)} bytes embedded" if self.data is not None else str(self.path)
        return f"<aeviz Video {self.mime_type}, {where}>"
