"""Build the synergy reference files of assett/data/ from the project's shared open data.

    python scripts/build_synergy_data.py                    # reads /work/shared/data
    python scripts/build_synergy_data.py --from DIR         # or another folder with the two CSV

Sources (see assett/data/SOURCES.md for versions and licences):
- nomenclature-dechets.csv: the French list of waste (annexe II de l'article R541-8 du code de
  l'environnement), as kept by Trackdéchets (MTES-MCT/trackdechets, WASTES.ts).
- communes-coordonnees.csv: INSEE COG 2024 communes and arrondissements with the WGS 84
  coordinates of their centre (rcarlier/datas.fun, France/communes.csv).

Outputs (UTF-8 CSV with a header row):
- waste-codes.csv: code,label,chapter,hazardous (the 842 six-digit codes, « 15 01 03 »;
  hazardous is 1 where the official code carries an asterisk, else 0).
- commune-coordinates.csv: code_insee,lat,lon (one row per INSEE code, 4 decimals ≈ 11 m).
The application reads these files only; it makes no network call.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assett" / "data"
DEFAULT_SOURCE = Path("/work/shared/data")
WASTE_CODE = re.compile(r"^\d{2} \d{2} \d{2}$")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        sys.exit(f"{path}: missing.")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def waste_rows(source: list[dict[str, str]]) -> list[list[str]]:
    """The six-digit codes with their label, chapter and hazardous flag."""
    rows = []
    for row in source:
        if row["niveau"] != "code":
            continue
        code = row["code"].strip()
        if not WASTE_CODE.match(code) or row["dangereux"] not in ("oui", "non"):
            sys.exit(f"nomenclature-dechets.csv: unexpected row {row}.")
        hazardous = "1" if row["dangereux"] == "oui" else "0"
        rows.append([code, " ".join(row["libelle"].split()), code[:2], hazardous])
    return sorted(rows)


def commune_rows(source: list[dict[str, str]]) -> list[list[str]]:
    """One row per INSEE code (the first seen), coordinates rounded to 4 decimals."""
    seen: dict[str, list[str]] = {}
    for row in source:
        code = row["code_insee"].strip()
        if not INSEE_CODE.match(code):
            sys.exit(f"communes-coordonnees.csv: unexpected code {code!r}.")
        latitude, longitude = float(row["latitude"]), float(row["longitude"])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            sys.exit(f"communes-coordonnees.csv: {code} has coordinates out of range.")
        seen.setdefault(code, [code, f"{latitude:.4f}", f"{longitude:.4f}"])
    return sorted(seen.values())


def build(source_dir: Path) -> None:
    waste = waste_rows(_read(source_dir / "nomenclature-dechets.csv"))
    _write("waste-codes.csv", ["code", "label", "chapter", "hazardous"], waste)
    communes = commune_rows(_read(source_dir / "communes-coordonnees.csv"))
    _write("commune-coordinates.csv", ["code_insee", "lat", "lon"], communes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source_dir", type=Path, default=DEFAULT_SOURCE)
    build(parser.parse_args().source_dir)


if __name__ == "__main__":
    main()
