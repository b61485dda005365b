# gongzhi - build, test, benchmark, fuzz and lint.
#   make            build ./gongzhi
#   make demo       install what is missing, build, create demo.db and serve it
#   make test       build and run every test; last line "N passed, N failed"
#   make SANITIZE=address,undefined test
#   make bench | fuzz | lint | clean

ifeq ($(origin CC),default)
CC       := gcc
endif
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
            -Wwrite-strings -Wformat=2 -fno-common -Werror
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(CFLAGS) -Isrc -Ibuild/gen \
             $(shell pkg-config --cflags $(PKG_LIST) 2>/dev/null) -MMD -MP
PKG_LIST := libmicrohttpd jansson sqlite3 libsodium libcrypto libxml-2.0 libmagic libexif libcurl
LIBS     = $(shell pkg-config --libs $(PKG_LIST) 2>/dev/null) -lgeos_c -lcsv -lz -lpthread -lm

# mimalloc (Debian's libmimalloc-dev) takes malloc over from glibc: a case through the pipeline
# is thousands of small JSON blocks made and freed, and glibc's malloc was a tenth of the
# server's CPU (bench/pipeline +20% cases/s with it). Not under the sanitizers, which bring
# their own.
ifdef SANITIZE
BUILD    := build/san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_CFLAGS += $(SANFLAGS)
LDFLAGS  += $(SANFLAGS)
BIN      := $(BUILD)/gongzhi
ALLOC    :=
else
BUILD    := build/rel
BIN      := gongzhi
ALLOC    := -lmimalloc
endif

LIB_SRC  := $(filter-out src/cli/main.c,$(shell find src -name '*.c' | sort))
LIB_OBJ  := $(patsubst src/%.c,$(BUILD)/%.o,$(LIB_SRC)) $(BUILD)/gen/schema_sqlite.o
MIGRATIONS := $(sort $(wildcard src/store/schema/sqlite/*.sql))
UNIT_SRC := $(shell find tests/unit -name '*.c' | sort)
UNIT_OBJ := $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(UNIT_SRC))

.PHONY: all setup demo test unit-test bench fuzz lint clean print-libs
all: $(BIN)

setup:
	@./scripts/setup -q

build/gen/schema_sqlite.c: $(MIGRATIONS) scripts/embed-sql
	@mkdir -p $(@D)
	./scripts/embed-sql $@ $(MIGRATIONS)

$(BUILD)/gen/schema_sqlite.o: build/gen/schema_sqlite.c
	@mkdir -p $(@D)
	$(CC) -std=c11 $(CFLAGS) $(SANFLAGS) -c $< -o $@

$(BUILD)/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(shell pkg-config --cflags check) -c $< -o $@

$(BUILD)/libgongzhi.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/cli/main.o $(BUILD)/libgongzhi.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ALLOC) $(LIBS)

$(BUILD)/unit-tests: $(UNIT_OBJ) $(BUILD)/libgongzhi.a
	$(CC) $(LDFLAGS) -o $@ $^ $(ALLOC) $(LIBS) $(shell pkg-config --libs check)

# The demo city gets Boston's 2015 year replayed into it once, when the shared data is there.
BOSTON_311 ?= ../shared/data/boston/requests-2015.csv.gz
demo: setup $(BIN)
	@if [ ! -f demo.db ] && [ -f $(BOSTON_311) ]; then \
	  ./$(BIN) demo --db demo.db --no-serve && \
	  ./$(BIN) import cases --format boston311 $(BOSTON_311) --db demo.db || { rm -f demo.db; exit 1; }; \
	fi
	./$(BIN) demo --db demo.db

test: setup $(BIN) $(BUILD)/unit-tests
	@GONGZHI_BIN=$(abspath $(BIN)) UNIT_TESTS=$(abspath $(BUILD)/unit-tests) \
	 BUILD=$(BUILD) ./scripts/run-tests

bench: setup $(BIN)
	@./bench/run $(abspath $(BIN))
	@./bench/pipeline $(abspath $(BIN))
	@./bench/open311 $(abspath $(BIN))
	@./bench/sse $(abspath $(BIN))

fuzz: setup
	@./tests/fuzz/run

lint:
	@./scripts/lint

# the link flags of libgongzhi.a, for the benchmarks built against it
print-libs:
	@echo $(LIBS)

clean:
	rm -rf build gongzhi

-include $(shell find build -name '*.d' 2>/dev/null)
