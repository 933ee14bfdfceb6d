"""User-facing message helpers shared by the knowledge base and the CLI."""


def one_line(text: str, limit: int = 300) -> str:
    """First non-empty line of ``text``, stripped and shortened to ``limit`` characters."""
    for line in str(text).splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""
