.PHONY: run test lint
run:
	python3 dev.py run
test:
	python3 dev.py test
lint:
	.venv/bin/ruff check . && .venv/bin/mypy --follow-imports=silent assett/domain
messages:
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o assett/translations/messages.pot .
