"""Shared by the benchmarks: replace one section of docs/benchmarks.md."""
import os


def replace_section(path, section):
    """Replaces the section whose "## " heading starts `section` (or appends it)."""
    heading = section.split("\n", 1)[0]
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n"
    start = text.find(heading)
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as f:
        f.write(text)
