"""The social map: activities, their validation, importers and stores. Imports nothing above it."""
