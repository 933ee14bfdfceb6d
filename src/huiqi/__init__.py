"""huiqi (惠企): turn Chinese enterprise-policy documents into a queryable service.

Data flows one way through the sub-packages:

``readers`` (files → original lines) → ``normalize`` (normalised logical lines
with a map back to original line numbers) → ``structure`` (documents, heading
tree, clauses) → ``extract`` (facts with text spans) → ``kb`` (SQLAlchemy
storage, ingest pipeline, queries) → ``cli`` (Typer commands).
"""

__version__ = "0.1.0"
