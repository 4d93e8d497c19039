# make run   sets everything up (first time: ~6 minutes), ingests the seed libraries and starts the web chat
# make test  sets up if needed and runs lint, type checks and the test suite
.PHONY: run test setup bench eval
setup:
	scripts/setup.sh
run: setup
	.venv/bin/assistant ingest seeds/
	.venv/bin/assistant serve
test:
	scripts/test.sh
