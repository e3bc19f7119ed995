# ocrcourse — two commands do all set-up:  `make course`  and  `make test`.
# Everything lives in .venv, installed from the committed lock (requirements/lock-cpu.txt) with uv;
# set-up is skipped when the stamp (keyed on the lock's and pyproject.toml's hash) is current.

SHELL       := /bin/bash
PYTHON_BOOT ?= python3
UV_VERSION  := 0.13.8
VENV        := .venv
PY          := $(VENV)/bin/python
UV          := $(VENV)/bin/uv
LOCK        := requirements/lock-cpu.txt
STAMP_HASH  := $(shell (cat $(LOCK) requirements/test-nodeps.txt pyproject.toml; echo v2) | sha256sum | cut -c1-16)
STAMP       := $(VENV)/.installed-$(STAMP_HASH)
KERNEL_NAME := ocrcourse
# nbval over every stored notebook, run-specific values sanitised (make nbval, make test-latest)
NBVAL_ARGS  := --nbval-lax --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-kernel-name $(KERNEL_NAME) \
               -p no:cacheprovider lessons exercises instructor -q
export OCRCOURSE_MODE ?= quick
export OMP_NUM_THREADS ?= 2

.PHONY: course test setup data weights lessons lab pytest nbval clean help outputs lock test-latest test-floor full-smoke full-smoke-light site browser-test browser-deps

help:
	@echo "make course  - set up .venv, data and weights, run every lesson (quick mode) with a summary"
	@echo "make test    - same set-up, then pytest over tests/ and nbval over lessons/ and exercises/"
	@echo "make lab     - JupyterLab on lessons/ with the '$(KERNEL_NAME)' kernel"
	@echo "make site    - the offline course site build/site/ from make course's executed lessons"
	@echo "make browser-test - JupyterLab in Debian's chromium: lessons 00/04/05 as a learner sees them"
	@echo "make lock    - re-resolve requirements/lock-*.txt (newest versions in pyproject's ranges, as of today)"
	@echo "make test-latest - the whole suite in a throw-away env with the newest versions in the ranges"
	@echo "make test-floor  - the library's pytest suite on the oldest PaddlePaddle the README names"
	@echo "make full-smoke  - every lesson in full mode, training capped at FULL_SMOKE_STEPS steps (time, peak RSS)"
	@echo "make full-smoke-light - the part of full-smoke that make test runs (FULL_SMOKE_LIGHT lessons, < 4 GB each)"

setup: $(STAMP)

# uv (pinned) is the one tool that both makes the lock and installs it.
$(UV):
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(LOCK) requirements/test-nodeps.txt pyproject.toml | $(UV)
	# Exactly the locked versions (no resolution here), then the course itself without dependencies.
	$(UV) pip install --quiet --python $(PY) -r $(LOCK)
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	# PaddleOCR 2.10 is the reference for parity tests and benchmarks only; its own requirements
	# would pull a second OpenCV build, so it is installed without them.
	$(UV) pip install --quiet --python $(PY) --no-deps -r requirements/test-nodeps.txt
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "Python (ocrcourse)" >/dev/null
	rm -f $(VENV)/.installed-*
	touch $@

# make data FULL=1 also builds the large synthetic det set full mode uses without ICDAR2015.
data: setup
	$(PY) -m ocrcourse.cli prepare-data $(if $(FULL),--full)

weights: setup
	$(PY) -m ocrcourse.cli weights --prepare

lessons: setup data weights
	$(PY) -m ocrcourse.cli run-lessons lessons --out build/lessons --site build/site

course: lessons

pytest: setup data weights
	$(PY) -m pytest tests -q -x --durations=15 ; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

nbval: setup data weights
	$(PY) -m pytest $(NBVAL_ARGS)

test: pytest nbval browser-test full-smoke-light

# --allow-root: Docker and AI Studio-like containers run as root, and Jupyter refuses root without it.
lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=lessons $(if $(filter 0,$(shell id -u)),--allow-root)

# Debian's chromium (Playwright drives it; no browser download) and a CJK font for the page text.
browser-deps:
	@test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi "noto.*cjk" || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# The static, offline course site from the executed lessons of `make course` (build/site/index.html).
site: setup
	$(PY) -m ocrcourse.course_site build/lessons build/site

# JupyterLab in Debian's chromium (apt-get install -y chromium fonts-noto-cjk), driven by Playwright:
# lessons 00/04/05 Run All, pictures, explorers, CJK; and the offline site. Screenshots: build/browser/.
browser-test: setup data weights browser-deps
	OCRCOURSE_BROWSER_TEST=1 $(PY) -m pytest tests/browser -q -p no:cacheprovider

clean:
	rm -rf build

# Regenerate the stored outputs of the lessons (quick mode, clean kernels); commit the result.
outputs: setup data weights
	OCRCOURSE_MODE=quick $(PY) -m ocrcourse.cli run-lessons lessons --out build/lessons --store

# Every lesson in full mode (full crops, batches, models, data) with each training run capped at
# FULL_SMOKE_STEPS steps: status, seconds and peak RSS per lesson (data_scripts/full_smoke.py).
# FULL_SMOKE_MAX_BATCH caps the training batch of the lessons it names (OCRCOURSE_MAX_BATCH): lesson 15's
# CML trio (ResNet50_vd + LK-PAN teacher, two students) at batch 8 and 960 px needs more host memory on a
# CPU than a 23 GB machine has (killed at 22.4 GB); at 4 it runs. Empty it on a host with >= 32 GB.
FULL_SMOKE_STEPS ?= 2
FULL_SMOKE_MAX_BATCH ?= 15=4
full-smoke: setup weights
	$(MAKE) data FULL=1
	OCRCOURSE_MODE=full $(PY) data_scripts/full_smoke.py --steps $(FULL_SMOKE_STEPS) --out build/full-smoke \
	  $(if $(FULL_SMOKE_MAX_BATCH),--max-batch $(FULL_SMOKE_MAX_BATCH))

# The part of full-smoke that CI runs (make test): lessons whose full mode takes about a minute each on
# 2 cores and stays under 4 GB, so a regression in their full-mode cells fails CI. Skipped (README, "Quick
# and full mode"): 02, 03 (full-size backbones and necks, ~2 min each), 07, 12, 15 (det training and eval at
# 640-960 on the large data, 5-18 min and 5-17 GB), 09, 13, 14, 17, 18 (rec/det training at full size, 1-5 min,
# 1-13 GB).
FULL_SMOKE_LIGHT ?= 00 01 04 05 06 08 10 11 16
full-smoke-light: setup data weights
	OCRCOURSE_MODE=full $(PY) data_scripts/full_smoke.py --steps $(FULL_SMOKE_STEPS) --lessons $(FULL_SMOKE_LIGHT) \
	  --max-rss-gb 4 --out build/full-smoke-light

# Regenerate the learner notebooks of exercises/ from their instructor sources.
exercises: setup
	$(PY) data_scripts/make_exercises.py

# ---- the lock -----------------------------------------------------------------------------------
# uv resolves for every platform at once (--universal) and only from releases published before
# LOCK_DATE, so a re-run on the same day reproduces the same files.
LOCK_DATE   ?= $(shell date -u +%Y-%m-%d)
UV_COMPILE   = $(UV) pip compile --quiet --universal --python-version 3.11 --exclude-newer $(LOCK_DATE)T00:00:00Z \
               --custom-compile-command "make lock LOCK_DATE=$(LOCK_DATE)" pyproject.toml

lock: | $(UV)
	mkdir -p build
	$(UV_COMPILE) --extra cpu --extra dev -o requirements/lock-cpu.txt
	$(UV_COMPILE) --extra gpu --extra dev -o requirements/lock-gpu.txt
	$(UV_COMPILE) requirements/floor.in --extra cpu --extra dev -o requirements/lock-floor.txt

# ---- drift and floor checks (not CI's job: run them before refreshing the lock) -------------------
LATEST_VENV := build/venv-latest
FLOOR_VENV  := build/venv-floor

test-latest: $(STAMP) data weights
	rm -rf $(LATEST_VENV) && $(UV) venv --quiet --python $(PY) $(LATEST_VENV)
	$(UV) pip install --quiet --python $(LATEST_VENV)/bin/python --refresh -e ".[cpu,dev]"
	$(UV) pip install --quiet --python $(LATEST_VENV)/bin/python --no-deps -r requirements/test-nodeps.txt
	$(UV) pip list --python $(LATEST_VENV)/bin/python --format freeze > build/latest-versions.txt
	@echo "newest versions resolved today (differences from the lock):"; \
	  diff <(grep -E '^[A-Za-z0-9_.-]+==' $(LOCK) | sed 's/ ;.*//' | tr A-Z a-z | sort -u) \
	       <(tr A-Z a-z < build/latest-versions.txt | grep -v '^ocrcourse==' | sort -u) | grep '^>' \
	       | grep -v -f <(sed 's/^/> /' requirements/test-nodeps.txt) || echo "  (none: the lock is current)"
	$(LATEST_VENV)/bin/python -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "Python (ocrcourse, latest)" >/dev/null
	$(LATEST_VENV)/bin/python -m pytest tests -q
	$(LATEST_VENV)/bin/python -m pytest $(NBVAL_ARGS)

test-floor: $(STAMP) data weights
	@test -x $(FLOOR_VENV)/bin/python || $(UV) venv --quiet --python $(PY) $(FLOOR_VENV)
	$(UV) pip install --quiet --python $(FLOOR_VENV)/bin/python -r requirements/lock-floor.txt
	$(UV) pip install --quiet --python $(FLOOR_VENV)/bin/python --no-deps -e . -r requirements/test-nodeps.txt
	$(FLOOR_VENV)/bin/python -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "Python (ocrcourse, Paddle floor)" >/dev/null
	$(FLOOR_VENV)/bin/python -c "import paddle; print('test-floor: paddle', paddle.__version__)"
	$(FLOOR_VENV)/bin/python -m pytest tests -q -p no:cacheprovider
