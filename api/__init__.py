"""The outside world's way in: HTTP (app.py) and the command line (cli.py). Only translates."""
