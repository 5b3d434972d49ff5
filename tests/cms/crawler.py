"""Walks the admin as one user, the way a person clicks: every menu link, every listing, the
first rows' view / edit / history pages, and reports the text a user would read that is not
Chinese (Latin words outside a short allowlist) or is a raw value ("None", "True", "False", a
Python dict or list printed as text).

Reads visible text only: scripts, styles and templates are skipped, and so are attributes
except the labels a screen reader reads (aria-label, title, placeholder)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Latin words a Chinese office user reads without trouble (file formats, product names).
ALLOWED = {"Excel", "API", "PDF", "Word", "XLSX", "CSV", "ID", "URL", "EXIF", "JPEG", "PNG", "HTTP", "HTTPS",
           "Ctrl", "Shift", "Enter", "Esc", "Alt", "Cmd", "Tab", "Space", "Backspace", "OpenAPI", "JSON", "Token",
           "Markdown", "JPG", "HEIC", "WebP", "GIF", "MB", "KB", "GB", "SVG"}
LATIN_WORD = re.compile(r"(?<![\w@/.#:%+-])[A-Za-z]{2,}(?![\w/@.-])")
RAW = re.compile(r"(?<![\w])(None|True|False)(?![\w])|\{'[^']*':|\[\{|\['[^']*'[,\]]|\[\]|\{\}")
SKIP_TAGS = {"script", "style", "template", "noscript", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LABEL_ATTRS = ("aria-label", "title", "placeholder", "alt")
# Content people typed (demo data) may contain e-mail addresses and the like; URLs are not words.
URLISH = re.compile(r"https?://\S+|\S+@\S+|\b[\w.-]+\.(?:docx|xlsx|csv|pdf|jpg|jpeg|png|heic|webp|gif)\b", re.I)


class Reader(HTMLParser):
    """Visible text of a page, plus every link and the sidebar's menu links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.texts: list[str] = []
        self.links: list[str] = []
        self.row_links: list[list[str]] = []  # links per listing row (tbody tr)
        self.in_tbody = 0
        self.menu_urls: list[str] = []
        self._script_id = None
        self._script_buf: list[str] = []
        self._tables: list[bool] = []  # is each open table a listing?
        self._hidden: list | None = None  # [tag, depth] of the hidden element being skipped

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._hidden is not None and tag == self._hidden[0]:
            self._hidden[1] += 1
        elif self._hidden is None and "hidden" in a and tag not in VOID:
            # an element not shown (``hidden``) is skipped with its content, like a script
            self._hidden = [tag, 1]
            self.skip += 1
        if tag in SKIP_TAGS:
            self.skip += 1
            if tag == "script" and a.get("id") == "wagtail-sidebar-props":
                self._script_id = "sidebar"
            return
        if tag == "table":
            self._tables.append("listing" in (a.get("class") or "").split())
        if tag == "tbody" and self._tables and self._tables[-1]:
            self.in_tbody += 1
        if tag == "tr" and self.in_tbody:
            self.row_links.append([])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if self.in_tbody and self.row_links:
                self.row_links[-1].append(a["href"])
        if self.skip:
            return
        for name in LABEL_ATTRS:
            if a.get(name):
                self.texts.append(a[name])

    def handle_endtag(self, tag):
        if self._hidden is not None and tag == self._hidden[0]:
            self._hidden[1] -= 1
            if not self._hidden[1]:
                self._hidden = None
                self.skip = max(0, self.skip - 1)
        if tag in SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            if tag == "script" and self._script_id:
                self._read_sidebar("".join(self._script_buf))
                self._script_id, self._script_buf = None, []
        if tag == "tbody" and self._tables and self._tables[-1]:
            self.in_tbody = max(0, self.in_tbody - 1)
        if tag == "table" and self._tables:
            self._tables.pop()

    def handle_data(self, data):
        if self._script_id:
            self._script_buf.append(data)
        elif not self.skip and data.strip():
            self.texts.append(data.strip())

    def _read_sidebar(self, raw: str) -> None:
        def walk(node):
            if isinstance(node, dict):
                url = node.get("url")
                if isinstance(url, str) and url.startswith("/"):
                    self.menu_urls.append(url)
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        try:
            walk(json.loads(raw))
        except ValueError:
            pass


def problems_in(texts: list[str], allowed=frozenset()) -> list[str]:
    """``allowed``: data that is Latin by nature (usernames)."""
    found = []
    for text in texts:
        clean = URLISH.sub(" ", text)
        words = {w for w in LATIN_WORD.findall(clean) if w not in ALLOWED and w not in allowed}
        raw = RAW.search(clean)
        if words or raw:
            found.append(f"{text[:100]!r} ← {sorted(words) or raw.group(0)}")
    return found


# Pages reached from a page that are part of "view / edit / history" of a row.
OBJECT_PAGE = re.compile(r"/(edit|inspect|history|usage|sheet|detail|preview-report|view)/?(\d+/)?$|/\d+/(edit|history|sheet|view|feedback)/$")
NEVER = re.compile(r"/(logout|delete|unpublish|lock|unlock|copy|move|revisions/\d+/revert|disable|enable|workflow|export|"
                   r"bulk|reorder|set_privacy|convert_alias|\?export=|choose)|[?&]export=|/api/|/media/|/documents/")


def crawl(client, *, extra_urls=(), allowed=frozenset(), limit: int = 400) -> tuple[dict[str, list[str]], list[str]]:
    """Returns ({url: problems}, visited urls). Follows: the sidebar's links, each listing's header
    buttons ("add") and the links in its first two rows, and from those pages their history/usage/
    inspect links (one more level)."""
    problems: dict[str, list[str]] = {}
    visited: list[str] = []
    seen: set[str] = set()
    queue: list[tuple[str, int]] = [("/admin/", 0), *((u, 1) for u in extra_urls)]
    while queue and len(visited) < limit:
        url, depth = queue.pop(0)
        path = url.split("#")[0]
        if path in seen or not path.startswith("/admin/") or NEVER.search(path):
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        final = response.redirect_chain[-1][0] if response.redirect_chain else path
        visited.append(path)
        reader = Reader()
        reader.feed(response.content.decode())
        found = problems_in(reader.texts, allowed)
        if found:
            problems[path] = found
        base = urljoin("http://testserver", final)
        nexts: list[str] = []
        if depth == 0:
            nexts += reader.menu_urls
            nexts += [link for link in reader.links if "/admin/" in link]  # dashboard panels
        elif depth == 1:
            for row in reader.row_links[:2]:
                nexts += row
            nexts += [link for link in reader.links if link.split("?")[0].rstrip("/").endswith("/add")]
        elif depth == 2:
            nexts += [link for link in reader.links if OBJECT_PAGE.search(link.split("?")[0])]
        for link in nexts:
            target = urlsplit(urljoin(base, link))
            if target.netloc not in ("", "testserver"):
                continue
            full = target.path + (f"?{target.query}" if target.query and "p=" not in target.query else "")
            if full not in seen:
                queue.append((full, depth + 1))
    return problems, visited
