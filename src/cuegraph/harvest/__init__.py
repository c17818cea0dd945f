"""Sources: each module turns one source (cue sheet, CSV table, public API) into records."""
