# The two commands of the README: `make run` runs the product, `make test` runs every test.
ODOO_PATH ?= /opt/odoo19
ODOO_PYTHON ?= $(ODOO_PATH)/.venv/bin/python
export ODOO_PATH ODOO_PYTHON

.PHONY: run test lint bench test-clock

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/setup_venv.sh && bash scripts/lint.sh

bench:
	bash scripts/setup_venv.sh && bash bench/run_all.sh

# The Odoo suite must pass whatever the time: run it with the wall clock at 03:00, 07:45 and
# 23:30 in Montreal on CLOCK_DATE, then with the process and PostgreSQL session in Tokyo.
CLOCK_DATE ?= $(shell TZ=America/Montreal date +%F)
test-clock:
	@status=0; \
	for at in 03:00 07:45 23:30; do \
	    echo "== Odoo suite, clock at $(CLOCK_DATE) $$at Montreal"; \
	    DEALER_TEST_CLOCK="$(CLOCK_DATE) $$at" python3 scripts/odoo_tests.py || status=1; \
	done; \
	echo "== Odoo suite, clock at $(CLOCK_DATE) 07:45 Montreal, TZ and PGTZ Asia/Tokyo"; \
	TZ=Asia/Tokyo PGTZ=Asia/Tokyo DEALER_TEST_CLOCK="$(CLOCK_DATE) 07:45" \
	    python3 scripts/odoo_tests.py || status=1; \
	exit $$status
