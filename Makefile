# The two commands of the README: `make run` runs the product, `make test` runs every test.
ODOO_PATH ?= /opt/odoo19
ODOO_PYTHON ?= $(ODOO_PATH)/.venv/bin/python
export ODOO_PATH ODOO_PYTHON

.PHONY: run test lint bench

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/setup_venv.sh && .venv/bin/ruff check .

bench:
	bash scripts/setup_venv.sh && bash bench/run_all.sh
