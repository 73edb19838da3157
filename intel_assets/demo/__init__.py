"""The demo company: a fictional subscription software business, exported in every tool's
native format, with an answer key the pipeline never reads."""
