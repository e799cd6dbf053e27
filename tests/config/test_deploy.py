"""Production as deployed: Django's deployment checks pass, the image's build step runs, and the
Content-Security-Policy lets the pages and Swagger UI work while allowing nothing inline without
the nonce."""
import json
import os
import re
import shlex
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.test import Client

from config.embedded_db import PROJECT_DIR
from tenants.accounts.roles import Role
from tests.conftest import make_user

SECRETS = {"SECRET_KEY": "s" * 20 + "-production-only-" + "t" * 30, "PERSONAL_DATA_KEY": "k" * 50,
           "DATABASE_URL": "postgres://u:p@db/eduunion", "CELERY_BROKER_URL": "redis://redis:6379/0",
           "BASE_DOMAIN": "jygh.example.cn"}
DOCKERFILE = PROJECT_DIR / "deploy" / "Dockerfile"


def environment_without_secrets() -> dict:
    drop = set(SECRETS) | {"DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG", "STATIC_ROOT", "PERSONAL_DATA_INDEX_KEY"}
    return {key: value for key, value in os.environ.items() if key not in drop}


def run_production(*args, **env):
    return subprocess.run([sys.executable, *args], cwd=PROJECT_DIR, capture_output=True, text=True,
                          env={**environment_without_secrets(), **SECRETS,
                               "DJANGO_SETTINGS_MODULE": "config.settings.production", **env})


def test_production_settings_pass_the_deployment_checks_without_a_single_warning():
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_a_key_rotation_without_a_pinned_index_key():
    rotating = run_production("manage.py", "check", PERSONAL_DATA_KEY="n" * 50 + "," + "k" * 50)
    assert rotating.returncode != 0 and "PERSONAL_DATA_INDEX_KEY" in rotating.stderr
    pinned = run_production("manage.py", "check", PERSONAL_DATA_KEY="n" * 50 + "," + "k" * 50,
                            PERSONAL_DATA_INDEX_KEY="k" * 50)
    assert pinned.returncode == 0, pinned.stderr


def dockerfile_collectstatic() -> tuple[dict, list[str]]:
    """The Dockerfile's ENV and the RUN line that collects static files, as written there."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    env = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(pair.split("=", 1) for pair in shlex.split(line[4:]))
    [run] = [line[4:] for line in text.splitlines() if line.startswith("RUN ") and "collectstatic" in line]
    words = shlex.split(run)
    while "=" in words[0]:
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    return env, words


def test_the_image_build_step_collects_static_files_under_production_settings(tmp_path):
    env, command = dockerfile_collectstatic()
    assert command[:2] == ["python", "manage.py"] and "collectstatic" in command
    result = subprocess.run([sys.executable, *command[1:]], cwd=PROJECT_DIR, capture_output=True, text=True,
                            env={**environment_without_secrets(), **env, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    for collected in ("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", "web/site.css",
                      "admin/css/base.css"):
        assert (tmp_path / collected).exists(), collected
    assert (tmp_path / "web" / "site.css.gz").exists(), "WhiteNoise serves them compressed"


def test_the_build_context_leaves_out_the_development_data():
    ignored = (PROJECT_DIR / ".dockerignore").read_text().split()
    assert {".data", ".venv", ".git", "deploy/.env"} <= set(ignored)


def test_production_redirects_to_https_except_the_health_check(settings, guilin):
    exempt = run_production("-c", "import json, config.settings.production as p; "
                                  "print(json.dumps([p.SECURE_SSL_REDIRECT, p.SECURE_REDIRECT_EXEMPT]))")
    assert exempt.returncode == 0, exempt.stderr
    redirect, settings.SECURE_REDIRECT_EXEMPT = json.loads(exempt.stdout)
    settings.SECURE_SSL_REDIRECT = redirect
    client = Client(HTTP_HOST=guilin.domains.get().domain)
    assert client.get("/healthz").status_code in (200, 503)
    login = client.get("/login/")
    assert login.status_code == 301 and login["Location"].startswith("https://")
    assert Client(HTTP_HOST=guilin.domains.get().domain).get(
        "/login/", HTTP_X_FORWARDED_PROTO="https", secure=True).status_code == 200


class InlineCode(HTMLParser):
    """What a browser would check against the policy: inline scripts, inline styles, style=""."""

    def __init__(self):
        super().__init__()
        self.inline, self.style_attributes, self.sources = [], [], []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.style_attributes.append(tag)
        if tag in ("script", "style") and not attrs.get("src"):
            self.inline.append(attrs.get("nonce"))
        for name in ("src", "href"):
            if tag in ("script", "link", "img") and attrs.get(name):
                self.sources.append(attrs[name])


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def inline_code(response) -> InlineCode:
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("where", ["province", "guilin"])
def test_swagger_ui_answers_with_the_policy_and_its_inline_code_carries_the_nonce(where, request):
    school = request.getfixturevalue(where)
    docs = Client(HTTP_HOST=school.domains.get().domain).get("/api/docs/")
    assert docs.status_code == 200
    policy = policy_of(docs)
    [nonce] = [value[len("'nonce-"):-1] for value in policy["script-src"] if value.startswith("'nonce-")]
    assert policy["default-src"] == ["'self'"] and "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-eval'" not in policy["script-src"]
    page = inline_code(docs)
    assert page.inline and all(found == nonce for found in page.inline), "the init script and its style block"
    assert not page.style_attributes
    assert all(source.startswith("/static/") for source in page.sources), "Swagger UI's files come from us"


def test_the_pages_carry_no_inline_code_the_policy_would_block(guilin):
    make_user(guilin, [Role.UNION_ADMIN], username="csp-admin", password="Admin-pass-2026")
    client = Client(HTTP_HOST=guilin.domains.get().domain)
    login = client.get("/login/")
    assert "Content-Security-Policy" in login and not inline_code(login).style_attributes
    assert not inline_code(login).inline
    assert client.post("/login/", {"username": "csp-admin", "password": "Admin-pass-2026"}).status_code == 302
    for path in ("/", "/proposals/", "/members/", "/suggestions/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Content-Security-Policy" in page, path
        code = inline_code(page)
        assert not code.style_attributes and not code.inline, path
