# vmcorekit: thin wrapper around meson/ninja so that the two README commands
# work on a fresh Debian machine.
#
#   make              install deps, build, run the main job on the bundled
#                     sample (a real kernel's captured /proc and /sys)
#   make check        install deps, build, run every test (unit, e2e, the
#                     comparisons against the committed real-kernel captures),
#                     then again under ASan+UBSan
#   make check-kernel boot real Debian kernels under QEMU, capture, compare
#   make check-kernel-foreign  the same for the foreign architectures
#                     (arm64 under TCG; not part of check-kernel: CI time)
#   make bench        the benchmarks (bench/)
#   make fuzz         build the libFuzzer targets (clang) and run each for
#                     FUZZ_SECONDS (default 60) seconds; fuzz/README.md

BUILD  ?= build
ASAN   ?= build-asan
FUZZB  ?= build-fuzz
SAMPLE ?= tests/kernel/captures/612-file-1cpu
VMC     = $(BUILD)/cli/vmcorekit
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

.PHONY: all deps build sample check check-pure check-unit check-asan check-kernel check-kernel-foreign bench fuzz clean

# Files the build discovers by name (fuzz targets, failalloc scenarios): meson lists
# them at configure time, so a changed set reconfigures the build directory.
DISCOVERED = $(sort $(wildcard fuzz/fuzz_*.c tests/unit/fa_*.c))
define reconfigure_if_new
	@if [ -f $(1)/build.ninja ] && \
	    [ "$$(cat $(1)/.discovered 2>/dev/null)" != "$(DISCOVERED)" ]; then \
		meson setup --reconfigure $(1) >/dev/null; fi; \
	echo "$(DISCOVERED)" > $(1)/.discovered
endef

all: sample

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	$(call reconfigure_if_new,$(BUILD))
	ninja -C $(BUILD)

sample: build
	$(VMC) build --sysroot $(SAMPLE)/sysroot --profile kexec-file \
		-o $(BUILD)/sample-elfcorehdr.bin
	$(VMC) show $(BUILD)/sample-elfcorehdr.bin
	@cmp $(BUILD)/sample-elfcorehdr.bin $(SAMPLE)/elfcorehdr.bin && \
		echo "sample: identical to the header the real kernel built ($(SAMPLE)/elfcorehdr.bin)"

check-unit: build
	meson test -C $(BUILD) --print-errorlogs

$(ASAN)/build.ninja:
	meson setup $(ASAN) -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug

check-asan: deps $(ASAN)/build.ninja
	$(call reconfigure_if_new,$(ASAN))
	ninja -C $(ASAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(ASAN) --print-errorlogs

# Every src/ folder but io/ is pure: no system headers, no I/O calls, no exit
# (DESIGN.md 1 and 3); the folder, not the file name, says which side a file is on.
PURE_DIRS = $(filter-out src/io,$(patsubst %/,%,$(sort $(dir $(wildcard src/*/*.c src/*/*/*.c)))))
check-pure:
	@if grep -rnE '#include *<(unistd|fcntl|errno|sys/[a-z]+)\.h>|\b(fopen|open|pread|pwrite|read|write|exit)\(' $(PURE_DIRS); then \
		echo "check-pure: $(PURE_DIRS) must stay free of I/O"; exit 1; \
	else echo "check-pure: no I/O in $(PURE_DIRS)"; fi
	@if nm -g --defined-only $(BUILD)/libvmcorekit.a 2>/dev/null | awk 'NF==3{print $$3}' | grep -v '^vmc_'; then \
		echo "check-pure: libvmcorekit.a defines the global symbols above without the vmc_ prefix"; exit 1; fi
	@python3 scripts/check-deps.py $(BUILD)

check: build check-pure check-unit check-asan

# The bench regenerates tests/kernel/captures (and the git-ignored cache of
# guest RAM and real vmcores); then every comparison registered with meson
# (suites e2e and kernel) runs against the fresh captures.
check-kernel: build
	@scripts/install-deps.sh --kernel
	tests/kernel/run.sh
	meson test -C $(BUILD) --print-errorlogs --suite e2e --suite kernel

# Foreign architectures (tests/kernel/run.sh FOREIGN_SCENARIOS: arm64 under
# TCG, tests/kernel/README.md "Foreign architectures"): the bench, then the
# comparisons; the foreign tests skip without their cache, so the suite
# runs the same tests as check-kernel plus those.
check-kernel-foreign: build
	@scripts/install-deps.sh --kernel-foreign
	tests/kernel/run.sh --foreign
	meson test -C $(BUILD) --print-errorlogs captures foreign-captures assemble kernel-captures

# One script per measured claim, each printing ratios measured in the same
# run (docs/performance.md).  random-reads needs the kernel cache
# (make check-kernel); assemble writes ~10 GiB under /var/tmp; mount
# needs /dev/fuse and the same cache.
bench: build
	@scripts/install-deps.sh --bench
	bench/build-scale.sh
	bench/random-reads.sh
	bench/assemble.sh
	bench/devdump-add.sh
	bench/guest.sh
	bench/mount.sh

# libFuzzer: the library and fuzz/fuzz_*.c built with clang,
# -fsanitize=fuzzer,address,undefined (every UB report is a crash).
$(FUZZB)/build.ninja:
	CC=clang meson setup $(FUZZB) -Dfuzzing=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all -g'

fuzz: deps $(FUZZB)/build.ninja
	$(call reconfigure_if_new,$(FUZZB))
	ninja -C $(FUZZB)
	fuzz/campaign.sh -b $(FUZZB) -t $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZB)
