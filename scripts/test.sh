#!/usr/bin/env bash
# The project's test command (`npm test`): brings the local infrastructure up (idempotent, reuses what
# runs), then unit + integration tests, then system tests serially and last, because some of them disturb
# the shared infrastructure (e.g. stop Kafka for a while).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TZ=UTC

# Static checks first: they take seconds and fail fast.
npm run --silent typecheck
npm run --silent lint

bash scripts/infra/infra.sh up
# jest's globalSetup would run `infra.sh up` again; it is already up.
export CARELOOP_INFRA_READY=1

npx jest --ci --forceExit --selectProjects unit integration "$@"
npx jest --ci --forceExit --runInBand --selectProjects system "$@"
