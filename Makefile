# archsim: build, test, bench, install.
#
#   make run        install what is missing, build, run the default scenario
#   make test       the whole suite (unit, accuracy, end-to-end)
#   make bench      engine speed against SimPy, stage-9 ramp time and memory
#   make SANITIZE=1 build with AddressSanitizer and UndefinedBehaviorSanitizer

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/archsim
MANDIR   = $(PREFIX)/share/man

PKGS     = ncursesw sqlite3 yaml-0.1
TESTPKGS = cmocka

CC      ?= cc
FUZZ_CC ?= clang
BUILD   ?= build
CFLAGS  ?= -O2 -g
# Link-time optimisation lets the compiler inline the engine's calls into
# the models across files: about 30% more events per second (make bench).
# With clang, or to debug, build with LTO= (empty).
LTO     ?= -flto=auto
AR       = $(if $(LTO),gcc-ar,ar)
# Messages are built with snprintf into fixed buffers and cut short on
# purpose when a name is long, so "may be truncated" is not a warning
# here (GCC gives it only in some builds, which made CI depend on them).
WARN     = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wvla -Wformat=2 -Wno-format-truncation
ifneq ($(CI),)
WARN    += -Werror
endif
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BUILD    = build-san
LTO      =
endif
# FUZZ=1 (set by make fuzz): clang, libFuzzer's coverage, ASan and UBSan.
ifeq ($(FUZZ),1)
CC       = $(FUZZ_CC)
CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined \
           -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
BUILD    = build-fuzz
LTO      =
endif
CFLAGS  += $(LTO)
LDFLAGS += $(LTO)

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS = $(shell pkg-config --cflags $(TESTPKGS) 2>/dev/null)
TEST_LIBS   = $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

ALL_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             -DARCHSIM_DATADIR='"$(DATADIR)"' \
             -Isrc -Imodels -Iui -I$(BUILD) $(WARN) $(PKG_CFLAGS) $(CFLAGS)

LIB_SRCS  = $(filter-out src/main.c,$(wildcard src/*.c)) \
            $(wildcard models/*.c) $(wildcard ui/*.c)
LIB_OBJS  = $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS)) $(BUILD)/reference_gen.o
MAIN_OBJ  = $(BUILD)/src/main.o
PROGRAM   = $(BUILD)/archsim

TEST_SRCS = $(wildcard tests/test_*.c)
TEST_BINS = $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
TEST_SUPPORT = $(wildcard tests/support_*.c)

.DELETE_ON_ERROR:

.PHONY: all run test bench install uninstall clean deps check-deps unit e2e \
        fuzz fuzz-run check-sanitize check-valgrind FORCE

all: check-deps $(PROGRAM)

# The dependency step: find each library with pkg-config; on Debian install
# what is missing (as root, or through sudo); elsewhere say what to install.
deps:
	@sh tests/deps.sh install

check-deps:
	@sh tests/deps.sh check

$(BUILD)/%.o: %.c $(wildcard src/*.h models/*.h ui/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# Reference figures (instance sizes and prices) become a C table at build
# time, so the binary needs no data file to know its defaults.
$(BUILD)/reference_gen.c: data/reference/instances.tsv tests/gen_reference.sh
	@mkdir -p $(dir $@)
	sh tests/gen_reference.sh $< > $@

$(BUILD)/reference_gen.o: $(BUILD)/reference_gen.c src/reference.h
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The program finds shipped scenarios under DATADIR (src/datadir.c):
# rebuild that file whenever PREFIX changes, and only then.
$(BUILD)/datadir.txt: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@

$(BUILD)/src/datadir.o: $(BUILD)/datadir.txt

FORCE:

$(BUILD)/libarchsim.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(PROGRAM): $(MAIN_OBJ) $(BUILD)/libarchsim.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT) $(BUILD)/libarchsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -Itests $(LDFLAGS) -o $@ $< \
	    $(TEST_SUPPORT) $(BUILD)/libarchsim.a $(PKG_LIBS) $(TEST_LIBS) -lm

# make run opens the interface on the default scenario (stage 1 of the
# journey); ARGS passes arguments instead, e.g. ARGS='run FILE'.
ARGS ?=

run: deps
	@$(MAKE) --no-print-directory $(PROGRAM)
	./$(PROGRAM) $(ARGS)

unit: $(PROGRAM) $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; ./$$t; done

e2e: $(PROGRAM)
	@set -e; for t in tests/e2e_*.sh; do echo "== $$t"; \
	    ARCHSIM=./$(PROGRAM) sh $$t; done

test: deps
	@$(MAKE) --no-print-directory unit e2e
	@echo "all tests passed"

# CI runs these after make test (.ci/run): the unit and end-to-end tests
# built with ASan and UBSan (in build-san/), then one whole headless ramp
# under valgrind with no error and no definite or indirect leak. The
# ramp's own status (1: objectives broken) is not valgrind's 99.
check-sanitize: deps
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    $(MAKE) --no-print-directory SANITIZE=1 unit e2e
	@echo "all tests passed under ASan and UBSan"

VALGRIND_RAMP = data/scenarios/stage-3-load-balancer.yaml

check-valgrind: deps
	@$(MAKE) --no-print-directory $(PROGRAM)
	@valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect \
	    ./$(PROGRAM) run --format csv $(VALGRIND_RAMP) > /dev/null; \
	    st=$$?; if [ $$st -gt 1 ]; then \
	    echo "valgrind: $(VALGRIND_RAMP): exit $$st"; exit 1; fi
	@echo "a whole ramp under valgrind: no errors, no leaks"

bench: deps
	@$(MAKE) --no-print-directory $(PROGRAM) $(BUILD)/tests/bench_engine
	@sh tests/bench.sh $(BUILD)

$(BUILD)/tests/bench_engine: tests/bench_engine.c $(BUILD)/libarchsim.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libarchsim.a \
	    $(PKG_LIBS) -lm

# make fuzz: the scenario loader and the ':' command line under libFuzzer,
# both at once, each for FUZZ_SECONDS (tests/fuzz/run.sh). Crashes are
# written to build-fuzz/; each one fixed goes to tests/fuzz/regress/,
# which make test replays (tests/test_fuzz_regress.c).
FUZZ_SECONDS ?= 600

fuzz:
	@sh tests/deps.sh fuzz
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-run

fuzz-run: $(BUILD)/fuzz_scenario $(BUILD)/fuzz_command
	@sh tests/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/libarchsim.a
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< \
	    $(BUILD)/libarchsim.a $(PKG_LIBS) -lm

$(BUILD)/tests/test_fuzz_regress: $(wildcard tests/fuzz/*.c tests/fuzz/*.h)

# The man pages name the installed data directory as /usr/local/share/
# archsim; installing writes the real one in.
install: $(PROGRAM)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/scenarios \
	    $(DESTDIR)$(DATADIR)/reference \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(PROGRAM) $(DESTDIR)$(BINDIR)/archsim
	install -m 644 data/scenarios/*.yaml $(DESTDIR)$(DATADIR)/scenarios/
	install -d $(DESTDIR)$(DATADIR)/challenges
	install -m 644 data/challenges/*.yaml $(DESTDIR)$(DATADIR)/challenges/
	install -m 644 data/reference/README.md data/reference/instances.tsv \
	    $(DESTDIR)$(DATADIR)/reference/
	sed 's|/usr/local/share/archsim|$(DATADIR)|g' man/archsim.1 \
	    > $(DESTDIR)$(MANDIR)/man1/archsim.1
	sed 's|/usr/local/share/archsim|$(DATADIR)|g' man/archsim-scenario.5 \
	    > $(DESTDIR)$(MANDIR)/man5/archsim-scenario.5
	chmod 644 $(DESTDIR)$(MANDIR)/man1/archsim.1 \
	    $(DESTDIR)$(MANDIR)/man5/archsim-scenario.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/archsim $(DESTDIR)$(MANDIR)/man1/archsim.1 \
	    $(DESTDIR)$(MANDIR)/man5/archsim-scenario.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-fuzz
