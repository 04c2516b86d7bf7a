"""A plain TF-IDF baseline for the matching benchmark, to compare the matcher against.

    python benchmarks/tfidf_baseline.py --catalog CSV --cases JSONL --out JSONL [--hard-filters]

Ranks activities by TF-IDF cosine of (interests + narrative) with (title + description); with
--hard-filters it first drops activities that break a hard constraint, as the matcher does.
Its tailored flag is never set.
"""
from __future__ import annotations

import argparse
import json

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from catalog.csv_import import read_catalog_csv
from matcher.constraints import broken_constraints
from matcher.profile import ClientProfile
from catalog.geo import haversine_km


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--cases", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--hard-filters", action="store_true")
    args = parser.parse_args()
    activities = read_catalog_csv(args.catalog).activities
    vectorizer = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 1), min_df=1)
    matrix = vectorizer.fit_transform([f"{a.title} {a.description}" for a in activities])
    with open(args.cases, encoding="utf-8") as f, open(args.out, "w", encoding="utf-8") as out:
        for case in (json.loads(line) for line in f if line.strip()):
            query = vectorizer.transform([f"{case.get('interests', '')} {case.get('narrative', '')}"])
            scores = linear_kernel(query, matrix)[0]
            order = sorted(range(len(activities)), key=lambda i: -scores[i])
            if args.hard_filters:
                profile = ClientProfile.model_validate(case)
                order = [i for i in order if not broken_constraints(
                    activities[i], profile, haversine_km(profile.lat, profile.lon, activities[i].lat, activities[i].lon))]
            out.write(json.dumps({"id": case["id"], "ranking": [activities[i].id for i in order[:20]],
                                  "tailored_needed": False}) + "\n")


if __name__ == "__main__":
    main()
