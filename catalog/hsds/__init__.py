"""Open Referral HSDS 3.1, the standard in which social maps exchange data: our activities as HSDS
records (mapping.py), written as a tabular datapackage or nested JSON (export.py, tabular.py), read
back from a datapackage with a report of what did not map (importer.py, report.py), and the catalog
seen as an HSDS directory for the API (directory.py). schema/ holds the vendored HSDS schemas."""
