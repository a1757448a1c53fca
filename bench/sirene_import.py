"""The SIRENE import at scale: a generated StockEtablissement extract of N rows, imported twice.

    .venv/bin/python bench/sirene_import.py [--rows 1000000] [--database-url URL] [--no-write]

Writes an extract shaped like INSEE's (the StockEtablissement columns, quoted, one malformed
row in a thousand), then times `import_establishments` into a fresh SQLite database (or the
given one): the first import (inserts) and the same file again (every row an update). Writes
the `sirene-import` section of bench/RESULTS.md with `uptime` before and after. Target: 1
million rows in ≤ 2 min on SQLite.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stdnum import luhn  # noqa: E402

from bench.results import machine_lines, replace_section  # noqa: E402

TARGET_SECONDS = 120.0
HEADER = [
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement",
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege",
    "nombrePeriodesEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    "enseigne1Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",
]
HEADCOUNTS = ["", "NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41"]
STREETS = ["RUE DE LA REPUBLIQUE", "AVENUE DU GENERAL DE GAULLE", "ZA DES CHAMPS", "ROUTE DE PARIS"]


def uptime() -> str:
    command = shutil.which("uptime")
    if command is None:
        return "unknown"
    return subprocess.run([command], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603


def generate(path: Path, rows: int, seed: int = 12) -> int:
    """Write the extract; returns the number of malformed rows in it."""
    from assett.domain.reference_data import _rows as reference_rows
    from assett.domain.reference_data import naf_labels

    rng = random.Random(seed)
    communes = [
        (row["code_insee"], row["nom"].upper(), row["codes_postaux"].split()[0])
        for row in reference_rows("communes.csv")
        if row["code_insee"][:2] in {"76", "27", "14", "61", "50"}
    ]
    nafs = sorted(naf_labels())
    malformed = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        writer.writerow(HEADER)
        siren_number = 30_000_000
        for n in range(rows):
            if n == 0 or rng.random() < 0.75:  # about 1.3 establishments per legal unit
                siren_number += 1
                siren8 = str(siren_number)
                siren = siren8 + luhn.calc_check_digit(siren8)
                nic = 0
            nic += 1
            body = f"{siren}{nic:04d}"
            siret = body + luhn.calc_check_digit(body)
            code, name, postcode = rng.choice(communes)
            naf = rng.choice(nafs)
            if n % 1000 == 999:  # one malformed row in a thousand, of several kinds
                malformed += 1
                kind = (n // 1000) % 3
                if kind == 0:
                    siret = siret[:-1] + str((int(siret[-1]) + 1) % 10)
                elif kind == 1:
                    naf = "99.99X"
                else:
                    code = ""
            writer.writerow(
                [
                    siret[:9],
                    siret[9:],
                    siret,
                    "O",
                    "2012-03-01",
                    rng.choice(HEADCOUNTS),
                    "2022",
                    "",
                    "2024-03-29T02:11:47",
                    "true" if nic == 1 else "false",
                    "2",
                    "",
                    str(rng.randint(1, 120)),
                    "",
                    rng.choice(STREETS),
                    postcode,
                    name,
                    code,
                    "A" if rng.random() < 0.8 else "F",
                    "" if rng.random() < 0.7 else f"ENSEIGNE {n}",
                    "" if rng.random() < 0.8 else f"ETABLISSEMENT {n}",
                    naf,
                    "NAFRev2",
                    "O",
                ]
            )
    return malformed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from sqlalchemy import func, select

    from assett import create_app
    from assett.extensions import db
    from assett.models import Establishment
    from assett.services.sirene_import import import_establishments, open_extract
    from assett.services.territories import create_territory

    folder = Path(tempfile.mkdtemp(prefix="sirene-bench-"))
    extract = folder / "StockEtablissement_bench.csv"
    started = time.perf_counter()
    malformed = generate(extract, args.rows)
    generated = time.perf_counter() - started
    size_mb = extract.stat().st_size / 1e6
    print(f"extract: {args.rows} rows, {size_mb:.0f} MB, written in {generated:.1f} s")

    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "x"}
    )
    uptime_before = uptime()
    runs = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        territory = create_territory(slug="bench", name="Banc d'essai")
        for label in ("first import (inserts)", "same file again (updates)"):
            wall, cpu = time.perf_counter(), time.process_time()
            with open_extract(str(extract)) as stream:
                report = import_establishments(territory.id, stream, batch_size=args.batch_size)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            count = db.session.scalar(select(func.count()).select_from(Establishment))
            runs.append((label, wall, cpu, report.read, report.stored, len(report.skipped), count))
            print(
                f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU, read {report.read}, "
                f"stored {report.stored}, skipped {len(report.skipped)}, rows in table {count}"
            )
        engine = db.engine.dialect.name
        db.session.remove()
        db.drop_all()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    uptime_after = uptime()
    shutil.rmtree(folder, ignore_errors=True)
    if args.no_write:
        return
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    url_option = " --database-url …" if args.database_url else ""
    lines = [
        f"## SIRENE import ({engine}): `flask sirene import` on a generated StockEtablissement "
        "extract",
        "",
        f"`bench/sirene_import.py`, {when}: `.venv/bin/python bench/sirene_import.py "
        f"--rows {args.rows}{url_option}`. {args.rows:,} rows ({size_mb:.0f} MB, the "
        f"StockEtablissement columns quoted as INSEE does, {malformed} malformed rows: bad "
        f"key, unknown NAF, no commune), streamed through the csv module and upserted by "
        f"batches of "
        f"{args.batch_size} into {engine}. Peak memory of the process: {peak_mb:.0f} MB.",
        "",
        *machine_lines(),
        f"- `uptime` before: `{uptime_before}`",
        f"- `uptime` after: `{uptime_after}`",
        "",
        "| run | wall s | CPU s | rows/s | read | stored | skipped | rows in table | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        *(
            f"| {label} | {wall:.1f} | {cpu:.1f} | {read / wall:,.0f} | {read} | {stored} | "
            f"{skipped} | {count} | {'met' if wall <= TARGET_SECONDS else 'MISSED'} "
            f"(≤ {TARGET_SECONDS:.0f} s) |"
            for label, wall, cpu, read, stored, skipped, count in runs
        ),
    ]
    key = "sirene-import" if engine == "sqlite" else f"sirene-import-{engine}"
    replace_section(ROOT / "bench" / "RESULTS.md", key, lines)


if __name__ == "__main__":
    main()
