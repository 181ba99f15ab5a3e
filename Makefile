# leadroute: PGXS builds and installs the extension; CMake builds the core library (linked into the
# module), the unit tests and the tools. `make demo` and `make test` install what is missing first.

EXTENSION   = leadroute
EXTVERSION := $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" leadroute.control)
PG_MAJOR    = 15

# The Debian path first: /usr/bin/pg_config may point at another major version.
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/$(PG_MAJOR)/bin/pg_config) pg_config)
PGXS      := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

BUILD_DIR  = build
CORE_LIB   = $(BUILD_DIR)/libleadroute_core.a
SQL_SOURCES = $(sort $(wildcard src/sql/*.sql))
SQL_SCRIPT = $(BUILD_DIR)/$(EXTENSION)--$(EXTVERSION).sql

MODULE_big = leadroute
OBJS       = $(patsubst %.cpp,%.o,$(sort $(wildcard src/pg/*.cpp)))
DATA_built = $(SQL_SCRIPT)
DATA       = $(sort $(wildcard src/sql/upgrades/*.sql) $(wildcard src/sql/released/*.sql))

WARNINGS    = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
              -Wno-cast-function-type -Werror
PG_CPPFLAGS = -I$(CURDIR)/src
PG_CXXFLAGS = -std=c++17 -Wno-register -fno-omit-frame-pointer $(WARNINGS)
SHLIB_LINK  = $(abspath $(CORE_LIB)) $(shell pkg-config --libs libpsl icu-uc icu-i18n 2>/dev/null) -lstdc++
# Debian's PostgreSQL also compiles every .cpp to LLVM bitcode with flags that reject C++17.
override with_llvm = no

REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --outputdir=$(BUILD_DIR)/regress

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
# Without PostgreSQL's development files PGXS cannot be read; these targets still work.
all install installcheck:
	@echo "PostgreSQL $(PG_MAJOR) development files are missing: run 'make deps' (as root) first." >&2
	@exit 1
endif

.PHONY: deps core unit demo demo-stop test test-unit test-regress test-pgtap test-concurrency \
        fuzz bench bench-full format format-check clean-all

# Everything the project needs from Debian (as root; otherwise prints the apt-get line).
deps:
	@scripts/deps.sh

core: $(CORE_LIB)

# cmake decides what is stale; the recipe makes make look at the library's time again afterwards,
# so the module is relinked whenever the core changed.
$(CORE_LIB): FORCE
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD_DIR) --target leadroute_core -j2

# .PHONY: PGXS declares every target .SECONDARY, which would make a plain FORCE a no-op.
.PHONY: FORCE
FORCE:
$(OBJS): $(wildcard src/core/*.h src/pg/*.h)
$(shlib): $(CORE_LIB)

$(SQL_SCRIPT): $(SQL_SOURCES) src/sql/data/freemail_domains.tsv scripts/freemail-sql.sh
	@mkdir -p $(BUILD_DIR)
	( cat $(SQL_SOURCES); scripts/freemail-sql.sh src/sql/data/freemail_domains.tsv ) > $@

unit:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD_DIR) -j2

demo: deps
	@scripts/demo.sh

demo-stop:
	@scripts/cluster.sh stop demo

test: deps
	@scripts/test.sh

fuzz: deps
	@scripts/fuzz.sh

format:
	clang-format -i src/core/*.cpp src/core/*.h src/pg/*.cpp src/pg/*.h test/unit/*.cpp

format-check:
	clang-format --dry-run --Werror src/core/*.cpp src/core/*.h src/pg/*.cpp src/pg/*.h test/unit/*.cpp

clean-all: clean
	rm -rf $(BUILD_DIR) results regression.diffs regression.out
