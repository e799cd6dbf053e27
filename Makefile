# The two commands: `make run` starts everything, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)

.PHONY: run test install migrate bench clean-data

$(STAMP): requirements.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check -q -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/python -m config.launcher

test: install
	$(VENV)/bin/python -m pytest

migrate: install
	$(VENV)/bin/python manage.py migrate

clean-data:
	rm -rf .data
