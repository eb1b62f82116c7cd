# secbaseline — the two commands a fresh machine needs are `make demo` and `make test`.
# Each installs what it needs (protoc, the moto venv) and is safe to run twice.

CARGO ?= cargo
TERRAFORM ?= terraform
VERSION := 0.1.0
OS_ARCH := linux_amd64
MIRROR ?= $(HOME)/.terraform.d/plugins

.PHONY: all venv build demo test lint unit integration bench soak docs install clean-emulator

all: build

## Installs protoc (Debian protobuf-compiler) and the pinned moto[server] venv in .venv/.
venv:
	@bash scripts/ensure-venv.sh

build: venv
	$(CARGO) build

## The demo: local emulator, `terraform init && terraform apply` on examples/demo, result, stop.
demo: venv
	$(CARGO) build
	@bash scripts/demo.sh

## The whole suite: formatting, lints, unit tests, Terraform-driven integration tests, docs check.
## Cheapest first, so a formatting or lint error stops it before the long build. Nothing is
## compiled twice: clippy's check of the dependencies is metadata only (no code generation) and
## shares the build scripts and proc-macros with `cargo test`, whose build `cargo build` and
## `make demo` then reuse as is (the dev-dependencies change no feature of the normal graph,
## see `getrandom` in Cargo.toml); the integration tests are one binary (tests/it/).
## One area: `cargo test --test it <module>`, e.g. `cargo test --test it assessment_live`.
test: venv
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace --no-fail-fast

## Regenerates docs/ from the provider schema and the control catalogue.
docs: venv
	UPDATE_DOCS=1 $(CARGO) test --test it docs::

## Startup, RPC round trip, assessment and plan-evaluation figures, with peers where installed.
bench: venv
	$(CARGO) bench --bench bench

## The long fault-injection soak: SOAK_RUNS (default 25) runs of the three bundles through the
## fault proxy; prints runs, faults injected, applies converged, orphans and panics (both must be 0).
SOAK_RUNS ?= 25
soak: venv
	SOAK_RUNS=$(SOAK_RUNS) $(CARGO) test --test it faults::soak_figures -- --ignored --nocapture

## Builds a release binary and installs it into a Terraform filesystem mirror.
install: venv
	$(CARGO) build --release
	mkdir -p $(MIRROR)/registry.terraform.io/secbaseline/secbaseline/$(VERSION)/$(OS_ARCH)
	cp target/release/terraform-provider-secbaseline \
	  $(MIRROR)/registry.terraform.io/secbaseline/secbaseline/$(VERSION)/$(OS_ARCH)/terraform-provider-secbaseline_v$(VERSION)
	@echo "installed into $(MIRROR); Terraform finds it there by default (implied filesystem mirror)"
