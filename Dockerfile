# One image recipe for every service in services/catalog.json:
#   docker build --build-arg SERVICE=device-registry -t iot-mesh/device-registry .
# docker-compose.yml builds each service this way; tools/container-check tests this file against the repo.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: install the workspace, compile the shared libs and the one service, drop dev dependencies
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Manifests first, so the dependency layer is reused until a package.json or the lock file changes.
# Every lib and service workspace is listed; tools/* never go into an image, so they are left out
# (npm install then just drops their entries from the image's copy of the lock file).
COPY package.json package-lock.json ./
COPY libs/proto/package.json libs/proto/
COPY libs/platform/package.json libs/platform/
COPY libs/storage/package.json libs/storage/
COPY services/notification/package.json services/notification/
COPY services/device-registry/package.json services/device-registry/
COPY services/alert-manager/package.json services/alert-manager/
COPY services/data-processor/package.json services/data-processor/
COPY services/sensor-ingestion/package.json services/sensor-ingestion/
COPY services/edge-gateway/package.json services/edge-gateway/
# `npm install`, not `npm ci`: the registry lacks other platforms' optional binaries the lock file names.
RUN npm install --no-audit --no-fund

# SERVICE only from here on: every RUN after an ARG has it in its cache key, so an ARG above the install
# would make the dependency layer one per service instead of one for all.
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<a service in services/catalog.json>" >&2; exit 1; }

COPY tsconfig.base.json ./
COPY libs/proto libs/proto
COPY libs/platform libs/platform
COPY libs/storage libs/storage
COPY services/${SERVICE} services/${SERVICE}
# Dependency order: each project compiles against the declarations of the ones before it.
RUN npx tsc -p libs/proto/tsconfig.lib.json \
 && npx tsc -p libs/platform/tsconfig.lib.json \
 && npx tsc -p libs/storage/tsconfig.lib.json \
 && npx tsc -p services/${SERVICE}/tsconfig.lib.json \
 && npm prune --omit=dev --no-audit --no-fund
# The service's Node arguments (heap settings, preloads), from the same list the local stack uses.
RUN node libs/platform/dist/bootstrap/print-service-node-args.js "${SERVICE}" > service-node-args.txt

# ---- runtime: only what the service runs on, as the unprivileged `node` user
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# SERVICE picks the entry point at start-up; SERVICE_NAME also names the service's traces, which the
# tracing preload reads before the config is parsed.
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    SERVICE_NAME=${SERVICE} \
    DATA_DIR=/data
WORKDIR /app
# The only writable place, so the container can run with a read-only root filesystem.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]

COPY --from=build /app/node_modules node_modules
COPY --from=build /app/libs/proto/package.json libs/proto/
COPY --from=build /app/libs/proto/dist libs/proto/dist
COPY --from=build /app/libs/platform/package.json libs/platform/
COPY --from=build /app/libs/platform/dist libs/platform/dist
COPY --from=build /app/libs/storage/package.json libs/storage/
COPY --from=build /app/libs/storage/dist libs/storage/dist
COPY --from=build /app/services/${SERVICE}/package.json services/${SERVICE}/
COPY --from=build /app/services/${SERVICE}/dist services/${SERVICE}/dist
COPY --from=build /app/service-node-args.txt ./
# Server reflection serves the .proto sources (PROTO_ROOT in @iot-mesh/proto).
COPY proto proto

# EXPOSE is documentation only; one recipe serves every service, so it names all catalog ports:
# gRPC 50051-50056, admin (/metrics, /healthz, /readyz) 9461-9466, the edge gateway's HTTP 8080.
EXPOSE 50051-50056 9461-9466 8080
USER node
# `exec` makes node PID 1, so SIGTERM reaches its graceful shutdown.
CMD ["sh", "-c", "exec node $(cat service-node-args.txt) services/${SERVICE}/dist/main.js"]
