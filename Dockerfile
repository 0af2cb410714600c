# swarmlint's image, for users who can build one (docs/deep-audit.md). `audit --deep` runs it on every node as
#   swarmlint deep-probe …   (the entrypoint is `node /app/dist/cli/main.js`, as in the offline image).
# Not built in CI: the lab and CI have no registry and no `docker build`; `npm run image:offline` writes the
# smaller deep-probe-only image by hand from this host's node.
#
#   docker build -t swarmlint/deep:0.1.0 .        (the tag `audit --deep` uses by default: swarmlint/deep:<version>)

FROM node:20-bookworm-slim AS build
# raw-socket (ICMP with DF for the deep probe) is a native addon: compile it here, not in the final image.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts \
  && npm rebuild raw-socket
COPY tsconfig.json tsconfig.build.json index.ts NOTICE LICENSE ./
COPY cli cli
COPY engine engine
COPY language language
COPY probes probes
COPY reporters reporters
COPY rules rules
COPY schemas schemas
COPY scripts scripts
COPY docs/rules docs/rules
RUN npm run build \
  && npm prune --omit=dev \
  && rm -rf node_modules/raw-socket/build/Release/obj.target node_modules/raw-socket/src

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json /src/NOTICE /src/LICENSE ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY --from=build /src/docs/rules docs/rules
# Raw ICMP sockets need CAP_NET_RAW, which Docker grants containers by default; the probe runs as root for it.
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["deep-probe", "--help"]
