# Image for the prediction worker service (Cloud Run). Built from the repository root after `nx build worker`:
#   docker build -f docker/worker.Dockerfile --build-arg BUILD_COMMIT=$(git rev-parse HEAD) .
# The bundle carries all code; only the native packages named in its generated package.json are
# installed. `npm run gate` checks this file's shape and builds and runs the image (tools/gate/).
# NODE_VERSION must equal .node-version (the gate's node-version check holds them together).
ARG NODE_VERSION=24.22.3
FROM node:${NODE_VERSION}-bookworm-slim
# Cloud Run's root filesystem is treated as read-only: everything the app writes goes under /tmp.
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip \
    PROPS_DATA_DIR=/tmp/props
WORKDIR /app
COPY dist/apps/worker/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/onnxruntime-node/bin/napi-v6/darwin node_modules/onnxruntime-node/bin/napi-v6/win32 \
           node_modules/onnxruntime-node/bin/napi-v6/linux/arm64 \
 && npm cache clean --force \
 && mkdir .compile-cache && chown node .compile-cache
# Set only now: npm itself is a Node program and would fill (and own, as root) the cache above.
ENV NODE_COMPILE_CACHE=/app/.compile-cache
USER node
# What the image carries, proven before the image exists and as the user that runs it: every
# module and the adapters of both backends load, native addons load, model artifacts match their
# manifest hashes, the folders it writes are writable. It needs no secret or URL: configuration
# is checked when the service starts, and its dependencies by /health/ready. The run also fills
# V8's compile cache for main.js and its chunks (NODE_COMPILE_CACHE; the service then deserializes
# the code it loads instead of compiling it again at every start; docs/performance.md has the numbers).
# https://nodejs.org/docs/latest-v24.x/api/module.html#module-compile-cache
RUN node main.js --build-check
ARG BUILD_COMMIT=unknown
LABEL org.opencontainers.image.revision=$BUILD_COMMIT
# V8's young generation starts at 1 MiB and doubles as it fills: a start allocated ~9 MB there and
# paid 4 scavenges for it (about 7 ms of CPU; docs/performance.md). Starting it at 16 MiB, which it
# grows to under load anyway, leaves the start without one. A V8 option given to node is passed to
# V8 (https://nodejs.org/docs/latest-v24.x/api/cli.html#useful-v8-options, listed by
# `node --v8-options`); NODE_OPTIONS accepts only --max-semi-space-size of these
# (https://nodejs.org/docs/latest-v24.x/api/cli.html#node_optionsoptions), which does not set the start size.
CMD ["node", "--min-semi-space-size=16", "main.js"]
