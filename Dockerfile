# swarmlint's image, for users who can build one: the same content as `npm run image:offline` writes (README,
# docs/deep-audit.md): the package as npm packs it, less its type declarations, under /app with its production
# dependencies (net-ping with raw-socket's compiled addon for ICMP); entrypoint `node /app/dist/cli/main.js`, default
# command `--help`, working folder /src. Users lint with it, and `audit --deep` runs it on every node:
#
#   docker build -t swarmlint/swarmlint:0.1.0 -t swarmlint/deep:0.1.0 .    (swarmlint/deep:<version>: audit --deep's default)
#   docker run --rm -v "$PWD:/src" swarmlint/swarmlint:0.1.0 lint .
#
# Not built in CI (no registry and no `docker build` there); test/package/dockerfile.ts keeps it in step with the
# offline image, and test/lab/image.ts runs the offline image in a real dockerd.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
# raw-socket (ICMP with DF for preflight and the deep probe) is a native addon: compile it here, not in the final image.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts \
  && npm rebuild raw-socket
COPY tsconfig.json tsconfig.build.json index.ts NOTICE LICENSE README.md CHANGELOG.md ./
COPY cli cli
COPY engine engine
COPY language language
COPY probes probes
COPY reporters reporters
COPY rules rules
COPY schemas schemas
COPY scripts scripts
COPY docs/rules docs/rules
# The package as `npm install` gets it (npm pack), its production dependencies, no type declarations, no sources.
RUN npm run build \
  && npm pack --ignore-scripts \
  && mkdir /app \
  && tar -xzf swarmlint-*.tgz -C /app --strip-components=1 \
  && npm prune --omit=dev \
  && mv node_modules /app/node_modules \
  && rm -rf /app/node_modules/raw-socket/build/Release/obj.target /app/node_modules/raw-socket/src \
  && find /app -name '*.d.ts' -delete \
  && find /app/node_modules \( -name '*.map' -o -name '*.ts' \) -delete

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
COPY --from=build /app /app
WORKDIR /src
# Raw ICMP sockets need CAP_NET_RAW, which Docker grants containers by default; the probe runs as root for it.
ENTRYPOINT ["/usr/local/bin/node", "/app/dist/cli/main.js"]
CMD ["--help"]
