"""Template hygiene a user would see: Django's {# #} comment ends at the line's end, so a comment
written over two lines is printed on the page, developer English and all."""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def test_no_template_prints_a_comment_written_over_several_lines():
    printed = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
               if re.search(r"\{#(?:(?!#\}).)*\n", path.read_text(encoding="utf-8"))]
    assert printed == [], "use {% comment %} for a comment over several lines"
