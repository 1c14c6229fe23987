# SteriLink gateway image (linux/arm64 for a Raspberry Pi 4/5, or amd64).
#   docker build -t sterilink .
#   docker run --device /dev/ttyUSB0 -v /etc/sterilink:/etc/sterilink:ro -v sterilink-data:/var/lib/sterilink sterilink
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json ./
COPY vocabulary vocabulary
COPY cli cli
COPY gateway gateway
COPY drivers drivers
COPY config config
COPY simulators simulators
COPY bench bench
COPY web web
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY config config
COPY docs docs
COPY web/static web/static
RUN mkdir -p /var/lib/sterilink && chown node:node /var/lib/sterilink
USER node
VOLUME ["/var/lib/sterilink"]
ENV STERILINK_DATA_DIR=/var/lib/sterilink
ENTRYPOINT ["node", "dist/cli/sterilink.js"]
CMD ["run", "--config", "/etc/sterilink/site.yaml"]
