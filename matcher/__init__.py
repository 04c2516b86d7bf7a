"""Matching: the client profile, the encoder, ranking signals, explanations and the tailored verdict."""
