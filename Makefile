.PHONY: run test lint messages
run:
	python3 dev.py run
test:
	python3 dev.py test
lint:
	.venv/bin/ruff check . && .venv/bin/mypy --follow-imports=silent assett/domain
messages:
	FLASK_DEBUG=1 .venv/bin/flask --app assett translations update
