# The two commands of the README: `make run` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

TS := $(wildcard resources/translations/*.ts)
QM := $(TS:.ts=.qm)

.PHONY: run test lint contract bench translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# The GUI's translations, compiled from the .ts sources (edit those with Qt Linguist).
resources/translations/%.qm: resources/translations/%.ts $(STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

# After changing UI strings: collect them into the .ts files (existing translations are kept).
translations: $(STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete $(shell find desktop/ui -name "*.py") $(foreach t,$(TS),-ts $(t))

run: $(STAMP) $(QM)
	$(BIN)/yanshou

lint: $(STAMP)
	$(BIN)/ruff check desktop db tests
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# SPEC §6 contract check (../shared/contract/check.py), when the shared folder is beside us.
contract: $(STAMP)
	$(BIN)/python ../shared/contract/check.py $(BIN)/yanshou

# SPEC §7 bars, tables, not tests, all in one run (bench/__main__.py), then one table of every row:
# merge (bench/merge.py) at 200 MB and at the SPEC row's 2 GB of evidence (MERGE_SIZES; more
# arguments for both: BENCH_ARGS), the GUI (bench/gui.py, 5,000 photos by default; quicker:
# GUI_BENCH_ARGS="--photos 500"), the ingest of 100 camera photos (bench/ingest.py; INGEST_BENCH_ARGS), the printed records (bench/pdf.py: a signed 检查记录表 with 50
# photos, the summary), a province on a throwaway PostgreSQL master (bench/province.py: 112
# counties, 50 laptops, the desk's stalls; skipped, saying why, without PostgreSQL; a smoke run:
# PROVINCE_BENCH_ARGS=--quick). The merge again with laptops and master encrypted at rest
# (MERGE_ENCRYPTED_SIZES, the same sizes). Some 10 GB of disk for a 2 GB merge;
# MERGE_SIZES=200 MERGE_ENCRYPTED_SIZES=200 leaves both out.
MERGE_SIZES ?= 200,2000
MERGE_ENCRYPTED_SIZES ?= 200,2000
bench: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench --merge-sizes="$(MERGE_SIZES)" --merge-encrypted-sizes="$(MERGE_ENCRYPTED_SIZES)" \
		--merge-args="$(BENCH_ARGS)" \
		--gui-args="$(GUI_BENCH_ARGS)" --ingest-args="$(INGEST_BENCH_ARGS)" --pdf-args="$(PDF_BENCH_ARGS)" --province-args="$(PROVINCE_BENCH_ARGS)"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .hypothesis $(QM)

# The one-folder bundle for this OS in dist/yanshou (PyInstaller, packaging/yanshou.spec);
# PyInstaller goes into the venv here, it is not a dependency of the program.
.PHONY: package package-test
PYINSTALLER := $(VENV)/.pyinstaller
PACKAGE_VERSION = $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)

$(PYINSTALLER): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[package]"
	touch $(PYINSTALLER)

package: $(PYINSTALLER) $(QM)
	rm -rf dist/yanshou
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller packaging/yanshou.spec
	@du -sh dist/yanshou

# The bundle on its own: the demo offscreen, its signed PDFs verified, the window rendered,
# all by the bundled executable; then makensis compiles the Windows installer script against
# this bundle (Debian: apt-get install nsis). NSIS_FLAGS='-X"SetCompressor /FINAL zlib"'
# compiles it in a minute instead of four, when only "does it compile" matters.
package-test: package
	packaging/smoke_test.sh $(PACKAGE_VERSION) $(NSIS_FLAGS)
