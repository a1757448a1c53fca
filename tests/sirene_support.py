"""SIRENE extracts written by the tests, and a local server replaying the company search API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from stdnum import luhn

RECORDINGS = Path(__file__).resolve().parent / "recordings"

STOCK_HEADER = [
    "siren",
    "nic",
    "siret",
    "denominationUsuelleEtablissement",
    "enseigne1Etablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "trancheEffectifsEtablissement",
    "codePostalEtablissement",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    "categorieJuridiqueUniteLegale",
    "denominationUniteLegale",
]


def make_siret(siren8: str, nic4: str) -> str:
    """A valid SIRET (both Luhn keys) from 8 digits of SIREN and 4 of NIC."""
    siren = siren8 + luhn.calc_check_digit(siren8)
    body = siren + nic4
    return body + luhn.calc_check_digit(body)


def stock_row(
    siret: str,
    *,
    usual: str = "",
    sign: str = "",
    naf: str = "10.71C",
    headcount: str = "11",
    postcode: str = "76000",
    commune: str = "76540",
    state: str = "A",
    category: str = "5499",
    legal_name: str = "",
) -> list[str]:
    return [
        siret[:9],
        siret[9:],
        siret,
        usual,
        sign,
        naf,
        "NAFRev2",
        headcount,
        postcode,
        commune,
        state,
        category,
        legal_name,
    ]


def csv_line(values: list[str]) -> bytes:
    """One CSV line, quoted as INSEE quotes its files."""
    return (",".join(f'"{value}"' for value in values) + "\n").encode("utf-8")


def write_extract(path: Path, lines: list[bytes], header: list[str] = STOCK_HEADER) -> Path:
    path.write_bytes(b"".join([csv_line(header), *lines]))
    return path


# --- The replayed API ---------------------------------------------------------------------------


@dataclass
class Replay:
    """What the local server answers, by the SIRET asked; what it was asked."""

    url: str
    answers: dict[str, tuple[int, bytes, dict[str, str]]] = field(default_factory=dict)
    slow: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def record(self, siret: str, name: str) -> None:
        """Answer this SIRET with a recorded response (tests/recordings/<name>.json)."""
        body = (RECORDINGS / f"{name}.json").read_bytes()
        self.answers[siret] = (200, body, {"Content-Type": "application/json"})

    def status(self, siret: str, status: int, headers: dict[str, str] | None = None) -> None:
        body = json.dumps({"erreur": f"status {status}"}).encode()
        self.answers[siret] = (
            status,
            body,
            {"Content-Type": "application/json", **(headers or {})},
        )


@contextmanager
def replay_server() -> Iterator[Replay]:
    """The company search API on a free port of 127.0.0.1, answering from recordings.

    A port of its own: two tests running at once (two xdist workers, two checkouts) never
    meet on a fixed one."""
    replay = Replay(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
            parts = urlsplit(self.path)
            siret = parse_qs(parts.query).get("q", [""])[0]
            replay.asked.append(siret)
            if parts.path != "/search":
                self.send_error(404)
                return
            if siret in replay.slow:
                # Held until the test ends: the client must give up on its own timeout.
                replay.release.wait(30)
            status, body, headers = replay.answers.get(
                siret, (200, (RECORDINGS / "recherche_entreprises_empty.json").read_bytes(), {})
            )
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client hung up (timeout)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    replay.url = f"http://127.0.0.1:{server.server_port}"
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        replay.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
