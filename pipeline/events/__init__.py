"""Arabic CAMEO event coder: who did what to whom, when and where.

``code_article`` turns an article's text into :class:`pipeline.records.Event`
records using the dictionaries shipped beside this file (``actors.yaml``,
``verbs.yaml``, ``cameo_codes.tsv``, ``gazetteer.tsv``; formats in README.md).
"""

from pipeline.events.coder import CODER_VERSION, code_article

__all__ = ["CODER_VERSION", "code_article"]
