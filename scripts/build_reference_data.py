"""Build the reference files of assett/data/ from their published npm packages.

    python scripts/build_reference_data.py            # download the pinned tarballs
    python scripts/build_reference_data.py --from DIR # or read them from DIR (npm pack output)

Sources (pinned versions, checked against the registry's sha512):
- NAF rév. 2 sub-classes: npm package @socialgouv/codes-naf (INSEE's nomenclature).
- Communes, postcodes and EPCI: npm package @etalab/decoupage-administratif (INSEE COG and
  La Poste's base officielle des codes postaux, as compiled by Etalab).

Outputs (UTF-8 CSV with a header row), described in assett/data/SOURCES.md:
- naf-rev2.csv: code,libelle (the 732 sub-classes, « 10.71C »).
- communes.csv: code_insee,nom,codes_postaux,epci (current communes; postcodes space-separated).
- epci.csv: code,nom.
The application reads these files only; it makes no network call.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.request
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "assett" / "data"

PACKAGES = {
    "naf": (
        "https://registry.npmjs.org/@socialgouv/codes-naf/-/codes-naf-1.1.1.tgz",
        "socialgouv-codes-naf-1.1.1.tgz",
    ),
    "decoupage": (
        "https://registry.npmjs.org/@etalab/decoupage-administratif/-/"
        "decoupage-administratif-6.0.0.tgz",
        "etalab-decoupage-administratif-6.0.0.tgz",
    ),
}
NAF_SUBCLASS = re.compile(r"^\d{2}\.\d{2}[A-Z]$")


def _registry_integrity(tarball_url: str) -> str | None:
    """The sha512 integrity the registry publishes for this tarball, if it can be read."""
    name, _sep, rest = tarball_url.removeprefix("https://registry.npmjs.org/").partition("/-/")
    version = rest.rsplit("-", 1)[-1].removesuffix(".tgz")
    url = f"https://registry.npmjs.org/{name.replace('/', '%2F')}/{version}"
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https URL)
        return json.load(response).get("dist", {}).get("integrity")


def _tarball(key: str, source_dir: Path | None) -> tarfile.TarFile:
    url, filename = PACKAGES[key]
    if source_dir is not None:
        data = (source_dir / filename).read_bytes()
    else:
        with urllib.request.urlopen(url, timeout=300) as response:  # noqa: S310
            data = response.read()
        integrity = _registry_integrity(url)
        digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
        if integrity and integrity != digest:
            sys.exit(f"{filename}: checksum differs from the registry's ({integrity}).")
    return tarfile.open(fileobj=io.BytesIO(data), mode="r:gz")


def _json(archive: tarfile.TarFile, member: str) -> object:
    handle = archive.extractfile(member)
    if handle is None:
        sys.exit(f"{member} missing from the package.")
    return json.load(handle)


def _write(name: str, header: list[str], rows: list[list[str]]) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def build(source_dir: Path | None) -> None:
    naf = _json(_tarball("naf", source_dir), "package/index.json")
    if not isinstance(naf, list):
        sys.exit("@socialgouv/codes-naf: index.json is not a list.")
    subclasses = sorted(
        [item["id"], item["label"].strip()] for item in naf if NAF_SUBCLASS.match(item["id"])
    )
    _write("naf-rev2.csv", ["code", "libelle"], subclasses)

    decoupage = _tarball("decoupage", source_dir)
    communes = _json(decoupage, "package/data/communes.json")
    epcis = _json(decoupage, "package/data/epci.json")
    if not (isinstance(communes, list) and isinstance(epcis, list)):
        sys.exit("@etalab/decoupage-administratif: communes.json or epci.json is not a list.")
    epci_of = {m["code"]: e["code"] for e in epcis for m in e["membres"]}
    rows = [
        [
            c["code"],
            c["nom"],
            " ".join(sorted(c.get("codesPostaux", []))),
            epci_of.get(c["code"], ""),
        ]
        for c in communes
        if c["type"] == "commune-actuelle" and c.get("codesPostaux")
    ]
    _write("communes.csv", ["code_insee", "nom", "codes_postaux", "epci"], sorted(rows))
    _write("epci.csv", ["code", "nom"], sorted([e["code"], e["nom"]] for e in epcis))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source_dir", type=Path, help="folder of npm tarballs")
    build(parser.parse_args().source_dir)


if __name__ == "__main__":
    main()
