# hydrant: `make run` starts a demo server, `make test` installs test peers and runs every test.
SHELL := /bin/bash
CARGO ?= cargo
CARGOFLAGS ?= --offline --locked
# Real Nix as root without a daemon; no substituters, so tests never reach the network.
define NIX_CONFIG
build-users-group =
sandbox = false
substituters =
endef
export NIX_CONFIG
export PATH := $(HOME)/.cargo/bin:$(PATH)
# Tests and benches never reach EC2 instance metadata (169.254.169.254); the IMDS tests point
# AWS_EC2_METADATA_SERVICE_ENDPOINT at a loopback fake instead.
export AWS_EC2_METADATA_DISABLED := true

.PHONY: build run test test-deps bench vendor release clippy fmt clean screenshots

build:
	$(CARGO) build $(CARGOFLAGS)

run: build
	bash .ci/install-nix
	./target/debug/hydrant serve --demo

test-deps:
	bash .ci/install-nix
	bash .ci/install-s3s
	bash .ci/install-sshd
	bash .ci/install-moto

# Ends with one total line over every test binary (cargo's own last line is per binary).
test: test-deps
	@mkdir -p target
	@set -o pipefail; $(CARGO) test $(CARGOFLAGS) --lib --bins --tests -- --test-threads=2 2>&1 \
	  | tee target/test-output.log; rc=$$?; \
	  awk '/^test result:/ { p += $$4; f += $$6; i += $$8 } \
	    END { printf "total: %d passed, %d failed, %d skipped\n", p, f, i }' target/test-output.log; \
	  exit $$rc

# Numbers from each issue, side by side with the named peer in the same run (never asserted).
bench: test-deps release
	$(CARGO) test $(CARGOFLAGS) --release --test 'bench_*' -- --ignored --nocapture --test-threads=1

# Headless-Chromium screenshots of the main pages (1200 and 420 px) into target/screenshots.
screenshots: build
	bash .ci/screenshots

release:
	$(CARGO) build $(CARGOFLAGS) --release
	@ls -l target/release/hydrant
	@ldd target/release/hydrant || true

clippy:
	$(CARGO) clippy $(CARGOFLAGS) --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# Re-vendor only when dependencies change; Windows-only crates are filtered out.
vendor:
	command -v cargo-vendor-filterer >/dev/null || $(CARGO) install --locked cargo-vendor-filterer
	mv .cargo/config.toml .cargo/config.toml.off
	$(CARGO) vendor-filterer --platform=x86_64-unknown-linux-gnu --platform=aarch64-unknown-linux-gnu vendor; \
	  rc=$$?; mv .cargo/config.toml.off .cargo/config.toml; exit $$rc

clean:
	$(CARGO) clean
