"""Build the demo source library (claims/demo_data/sources.jsonl) from the CLIMATE-FEVER train
file.

Run from the repository root:

    python3 -m lab.demo_sources ../shared/data/stance/climate_fever_train.jsonl

Selection, deterministic and in file order:

1. Seed claims: the ``climate_fever_claim_ids`` listed per article in manifest.json.
2. Documents: every Wikipedia article cited by an evidence sentence of a seed claim.
3. Sentences of those documents: every evidence sentence of the seed claims (SUPPORTS,
   REFUTES and NOT_ENOUGH_INFO), plus the SUPPORTS and REFUTES sentences of related
   claims, i.e. claims sharing at least one evidence sentence with a seed claim.
   Fragments shorter than MIN_WORDS words (bare dates) are skipped, duplicates dropped.

Sentences are kept unchanged and joined with a single space. The script writes
sources.jsonl and rewrites the "sources" counts in manifest.json.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

DEMO_DIR = Path(__file__).resolve().parent.parent / "claims" / "demo_data"  # what load_demo reads
WIKI = "https://en.wikipedia.org/wiki/"
MIN_WORDS = 4
LABELS = frozenset({"SUPPORTS", "REFUTES", "NOT_ENOUGH_INFO"})
DECISIVE = frozenset({"SUPPORTS", "REFUTES"})
FIELDS = ("claim_id", "claim", "evidence", "article", "label")

Row = dict[str, str]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train", type=Path, help="path to climate_fever_train.jsonl")
    parser.add_argument(
        "--manifest", type=Path, default=DEMO_DIR / "manifest.json", help="manifest with claim ids"
    )
    parser.add_argument(
        "--out", type=Path, default=DEMO_DIR / "sources.jsonl", help="where to write sources.jsonl"
    )
    return parser.parse_args()


def fail(message: str) -> NoReturn:
    sys.exit(f"demo_sources: error: {message}")


def load_rows(path: Path) -> list[Row]:
    if not path.is_file():
        fail(
            f"CLIMATE-FEVER train file not found: {path} (expected at "
            "../shared/data/stance/climate_fever_train.jsonl; see ../shared/data/README.md)"
        )
    rows: list[Row] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                fail(f"{path}:{number}: not valid JSON ({exc})")
            if not all(isinstance(row.get(field), str) for field in FIELDS):
                fail(f"{path}:{number}: expected string fields {', '.join(FIELDS)}")
            if row["label"] not in LABELS:
                fail(f"{path}:{number}: unknown label {row['label']!r}")
            rows.append(row)
    return rows


def load_seed_ids(manifest_path: Path) -> tuple[dict[str, Any], list[str]]:
    if not manifest_path.is_file():
        fail(f"manifest not found: {manifest_path}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    seed_ids = [
        str(claim_id)
        for article in manifest["articles"]
        for claim_id in article["climate_fever_claim_ids"]
    ]
    if not seed_ids:
        fail(f"{manifest_path} lists no climate_fever_claim_ids")
    return manifest, seed_ids


def select_documents(rows: list[Row], seed_ids: list[str]) -> dict[str, list[str]]:
    seeds = set(seed_ids)
    missing = seeds - {row["claim_id"] for row in rows}
    if missing:
        fail(f"claim ids not in the train file: {', '.join(sorted(missing))}")
    seed_rows = [row for row in rows if row["claim_id"] in seeds]
    titles = {row["article"] for row in seed_rows}
    seed_sentences = {row["evidence"] for row in seed_rows}
    related = {row["claim_id"] for row in rows if row["evidence"] in seed_sentences} - seeds

    documents: dict[str, list[str]] = {}
    seen: set[str] = set()
    for row in rows:
        sentence = row["evidence"]
        wanted = row["claim_id"] in seeds or (
            row["claim_id"] in related and row["label"] in DECISIVE
        )
        if (
            wanted
            and row["article"] in titles
            and sentence not in seen
            and len(sentence.split()) >= MIN_WORDS
        ):
            seen.add(sentence)
            documents.setdefault(row["article"], []).append(sentence)
    return documents


def wiki_url(title: str) -> str:
    return WIKI + quote(title.replace(" ", "_"))


def write_sources(documents: dict[str, list[str]], out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        for title, sentences in documents.items():
            record = {
                "title": title,
                "url": wiki_url(title),
                "publisher": "Wikipedia",
                "licence": "CC BY-SA 4.0",
                "text": " ".join(sentences),
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    args = parse_args()
    rows = load_rows(args.train)
    manifest, seed_ids = load_seed_ids(args.manifest)
    documents = select_documents(rows, seed_ids)
    write_sources(documents, args.out)
    sentences = sum(len(doc) for doc in documents.values())
    manifest["sources"] = {"documents": len(documents), "sentences": sentences}
    args.manifest.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"{len(seed_ids)} seed claims -> {len(documents)} documents, {sentences} sentences")


if __name__ == "__main__":
    main()
