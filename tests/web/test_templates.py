"""Template hygiene a user would see: Django's {# #} comment ends at the line's end, so a comment
written over two lines is printed on the page, developer English and all."""
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def test_no_template_prints_a_comment_written_over_several_lines():
    printed = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
               if re.search(r"\{#(?:(?!#\}).)*\n", path.read_text(encoding="utf-8"))]
    assert printed == [], "use {% comment %} for a comment over several lines"


def test_a_badge_drawn_in_python_shows_a_value_as_the_template_engine_would():
    """{% badge %} is a simple tag now (drawn per row without an included template): escaping and an
    aware datetime's local (Asia/Shanghai) time must stay what `{{ label }}` in a template gives."""
    import datetime

    from django.template import Context, Template
    from django.utils import timezone

    from web.templatetags.ui import badge_html

    midnight_utc = datetime.datetime(2026, 1, 1, 20, 0, tzinfo=datetime.timezone.utc)
    for label in ("<b>合格</b> & \"好\"", 3, None, midnight_utc, datetime.date(2026, 1, 2)):
        with timezone.override("Asia/Shanghai"):
            expected = Template('<span class="badge tone-ok">{{ label }}</span>').render(Context({"label": label}))
            assert badge_html(label, "ok") == expected
    with timezone.override("Asia/Shanghai"):
        assert "2026年1月2日" in badge_html(midnight_utc, "ok")
