# Image for the props command as a Cloud Run job (grading, verification). Built from the repository root after `nx build cli`:
#   docker build -f docker/cli.Dockerfile --build-arg BUILD_COMMIT=$(git rev-parse HEAD) .
# The bundle carries all code; only the native packages named in its generated package.json are
# installed. `npm run gate` checks this file's shape (tools/gate/check-dockerfiles.mjs).
FROM node:20.20-bookworm-slim
ENV NODE_ENV=production \
    ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
COPY dist/apps/cli/ ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/onnxruntime-node/bin/napi-v6/darwin node_modules/onnxruntime-node/bin/napi-v6/win32 \
           node_modules/onnxruntime-node/bin/napi-v6/linux/arm64 \
 && npm cache clean --force
# A bundle that cannot load what it needs stops the build here, before any image exists.
RUN node main.js --self-check
ARG BUILD_COMMIT=unknown
LABEL org.opencontainers.image.revision=$BUILD_COMMIT
USER node
ENTRYPOINT ["node", "main.js"]
CMD ["--help"]
