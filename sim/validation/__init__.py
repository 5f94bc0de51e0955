"""Validation against published history: the 2010 rare-earth crisis backtest."""
