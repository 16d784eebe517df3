# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make reproduce   execute every notebook in place and regenerate figures/ and
#                    notebooks/results/ (the spectra cache only when its recipe changed)
#   make test        unit + property tests of mi_lib, then every notebook under strict nbval;
#                    writes figures and records into a scratch directory, never into tracked files
#   make test-kernels  the notebooks again under two other CPU kernels (CI runs it after make test)
#   make check-root    every notebook executed with the kernel started in the repository root
#   make student       the student edition (solutions removed) in build/student/, each run once
#   make bench         the benchmarks (installs the pinned extra requirements-bench.txt into .venv)
#   make book          the static HTML book in build/book/ from the stored outputs (make book-check: browser test)
# Both create the virtual environment .venv from requirements-lock.txt when it is
# missing or older than the lock file, and reuse it otherwise.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
KSTAMP := $(VENV)/.kernels

# One BLAS/OpenMP thread: results (and the stored notebook outputs) must not
# depend on how many cores the machine has.
THREADS := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
           VECLIB_MAXIMUM_THREADS=1 NUMEXPR_NUM_THREADS=1 PYTHONHASHSEED=0

NBVAL_FLAGS := --nbval --nbval-current-env \
               --nbval-sanitize-with tests/nbval_sanitize.cfg \
               --nbval-cell-timeout=600

.PHONY: all env test test-kernels check-root check-extraction student book book-check unit reproduce lab bench clean

all: test

env: $(KSTAMP)

$(STAMP): requirements-lock.txt pyproject.toml
	@echo "== creating $(VENV) from requirements-lock.txt"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check "$$(grep '^pip==' requirements-lock.txt)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-lock.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

# numba's cache does not notice a change in a kernel called from another file: whenever a
# module of mi_lib changed, tools/warm_kernels.py drops the cache if the kernel sources differ
# from the last compiled ones, and compiles (about half a minute) or loads the kernels.
$(KSTAMP): $(STAMP) $(wildcard mi_lib/*.py)
	@echo "== compiling mi_lib's solver kernels (numba caches them; about half a minute the first time)"
	@$(THREADS) $(PY) tools/warm_kernels.py
	@touch $@

# Notebooks under test write figures and result records into a scratch directory
# ($$MI_LIB_OUTPUT_DIR, read by mi_lib.paths), which is removed afterwards.
test: $(KSTAMP)
	@scratch=$$(mktemp -d); \
	$(THREADS) MI_LIB_OUTPUT_DIR=$$scratch $(PY) -m pytest -p no:cacheprovider tests notebooks $(NBVAL_FLAGS); \
	status=$$?; rm -rf "$$scratch"; exit $$status

test-kernels: $(KSTAMP)
	$(THREADS) $(PY) tools/nbval_kernels.py --count 2 -- notebooks $(NBVAL_FLAGS)

# Every notebook executed with the kernel started in the repository root (writes nothing tracked).
check-root: $(KSTAMP)
	$(THREADS) $(PY) tools/reproduce.py --check --kernel-cwd root --timeout 300

unit: $(KSTAMP)
	$(THREADS) $(PY) -m pytest -p no:cacheprovider tests

reproduce: $(KSTAMP)
	$(THREADS) $(PY) tools/make_spectra.py
	$(THREADS) $(PY) tools/reproduce.py

# Rerun the figure extraction on the paper's PDF (../shared/reference/, not committed) with the
# pinned pypdf of requirements-tools.txt and compare with notebooks/data/paper_figures/.
check-extraction: $(STAMP)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-tools.txt
	$(PY) tools/check_extraction.py

# The student edition: solutions replaced by prompts, outputs removed, into build/student/
# (not tracked); each student notebook is then run top to bottom.
student: $(KSTAMP)
	$(THREADS) $(PY) tools/make_student.py --timeout 300

# The book: a static HTML site from the stored outputs (no execution), built with the pinned
# toolchain of requirements-book.txt (installed into .venv on first use) with warnings as errors.
BOOK_STAMP := $(VENV)/.book-installed

$(BOOK_STAMP): $(STAMP) requirements-book.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-book.txt
	@touch $@

book: $(BOOK_STAMP)
	$(THREADS) $(PY) tools/build_book.py

# Open every page of the built book in headless Chromium (Debian's chromium and
# chromium-driver must be installed; .ci/run installs them).
book-check: $(BOOK_STAMP)
	$(PY) tools/check_book.py

lab: $(KSTAMP)
	$(VENV)/bin/jupyter lab --allow-root notebooks/

# The benchmark extra (cvxpy, Clarabel, SCS, dit; pinned in requirements-bench.txt), installed
# into .venv on first use, like the book toolchain.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	@touch $@

bench: $(BENCH_STAMP) $(KSTAMP)
	$(THREADS) $(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .hypothesis
