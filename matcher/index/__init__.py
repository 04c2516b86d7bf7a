"""The index step, between the catalog and matching: validated listings get their vectors (the
encoder) and their kinds of activity (the taxonomy), and go into the store, all or nothing.

`step.index_activities` takes a list of activities, from whatever source; `from_csv` and `from_hsds`
read the two exchange formats into it; `editing` changes one listing the same way.
"""
