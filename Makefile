# 焦作职工服务平台 — the two commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv venv-dev migrate seed worker beat lint check-deploy bench clean icons

# Runtime set (requirements.txt) for `make run`; runtime + tests and tools (requirements-dev.txt) for
# `make test`. Both are compiled with hashes from the .in files:
#   pip-compile --generate-hashes --allow-unsafe requirements.in
#   pip-compile --generate-hashes --allow-unsafe requirements-dev.in
$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 $(PYTHON)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet --require-hashes -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

venv-dev: $(VENV)/.installed-dev

# A working portal on SQLite with demonstration data, at http://127.0.0.1:8000
run: venv
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo ""
	@echo "焦作职工服务平台: http://$(HOST):$(PORT)/   工作台: http://$(HOST):$(PORT)/console/   管理后台: http://$(HOST):$(PORT)/admin/"
	@echo ""
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite. With DATABASE_URL and REDIS_URL set it runs on PostgreSQL with a real Celery worker.
# TEST_WORKERS pytest-xdist processes, each a module at a time, with its own test database and Redis
# database (tests/settings.py); TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= 2
test: venv-dev
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# Rebuild static/img/icons.svg after using a new icon ({% icon "name" %}); needs npm.
icons: venv
	npm ci --no-audit --no-fund
	DEBUG=1 $(PY) manage.py build_icons

migrate: venv
	DEBUG=1 $(PY) manage.py migrate

seed: venv
	DEBUG=1 $(PY) manage.py seed_demo

worker: venv
	$(VENV)/bin/celery -A jiaozuo_union worker -l info -Q default,notifications,reports,matching

beat: venv
	$(VENV)/bin/celery -A jiaozuo_union beat -l info

lint: venv-dev
	$(VENV)/bin/ruff check .

check-deploy: venv
	DEBUG=0 SECRET_KEY=$${SECRET_KEY:-check-deploy-$$(head -c 48 /dev/urandom | base64)} ALLOWED_HOSTS=example.cn \
		PII_HASH_KEY=$${PII_HASH_KEY:-check-deploy-$$(head -c 48 /dev/urandom | base64)} \
		FIELD_ENCRYPTION_KEY=$${FIELD_ENCRYPTION_KEY:-$$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')} \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
