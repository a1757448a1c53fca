#!/usr/bin/env bash
# Until the first release, the schema is one initial migration regenerated from the models.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f migrations/versions/*.py /tmp/assett-regen.db
export ASSETT_DATABASE_URL=sqlite:////tmp/assett-regen.db
export ASSETT_BASE_URL=http://localhost
.venv/bin/flask --app assett db revision --autogenerate --rev-id 0001 -m "initial schema" >/dev/null 2>&1
sed -i 's/^import sqlalchemy as sa$/import sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql/' migrations/versions/0001_*.py
sed -i 's/astext_type=Text()/astext_type=sa.Text()/g' migrations/versions/0001_*.py
rm -f /tmp/assett-regen.db
ls migrations/versions/
