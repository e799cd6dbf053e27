"""The layout's navigation bars (web/templatetags/layout.py): the same markup the template wrote,
with every text escaped."""
from web.templatetags.layout import bottom_nav_links, top_nav_links

ENTRY = {"label": "通知<公告>", "url": "/notices/?a=1&b=2", "icon": "✉", "bottom": True, "current": True, "badge": 3}


def test_the_top_bar_marks_the_current_page_and_shows_a_count_only_where_there_is_one():
    html = top_nav_links([ENTRY, {**ENTRY, "label": "提案", "url": "/proposals/", "current": False, "badge": 0}])
    assert html == (
        '<a href="/notices/?a=1&amp;b=2" aria-current="page">通知&lt;公告&gt; <span class="nav-count" '
        'data-testid="nav-count">3<span class="sr-only">条未读</span></span></a>'
        '<a href="/proposals/">提案</a>')


def test_the_phone_bar_holds_only_the_bottom_entries_with_their_icons():
    html = bottom_nav_links([ENTRY, {**ENTRY, "label": "会员", "bottom": False}])
    assert html == ('<a href="/notices/?a=1&amp;b=2" aria-current="page"><span class="icon" aria-hidden="true">✉'
                    '</span><span>通知&lt;公告&gt;</span></a>')
