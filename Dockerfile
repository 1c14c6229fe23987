# SteriLink gateway image (linux/arm64 for a Raspberry Pi 4/5, or amd64). deploy/docker-compose.yml runs
# it with Mosquitto; docs/install.md ("Docker") explains the choices below.
#   docker build -t sterilink .
#   docker run -d --name sterilink --restart unless-stopped \
#     --device /dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0:/dev/ttyUSB0 --group-add dialout \
#     -e TZ=Europe/Berlin -v /etc/sterilink:/etc/sterilink:ro -v sterilink-data:/var/lib/sterilink sterilink
# test/e2e/docker-image.test.ts runs this image's command line, paths and environment outside Docker.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# Dependencies first: this layer is rebuilt only when package.json or the lock file change.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 @serialport/bindings-cpp
COPY tsconfig.json ./
COPY vocabulary vocabulary
COPY cli cli
COPY gateway gateway
COPY drivers drivers
COPY config config
COPY simulators simulators
COPY web web
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
# The site's time zone: ticket times and the daily Bowie–Dick cut-off ("since local midnight") follow it.
ENV TZ=Etc/UTC
ENV STERILINK_DATA_DIR=/var/lib/sterilink
# Where HEALTHCHECK asks: the config's http.listen (docs/install.md, "Docker").
ENV STERILINK_HEALTHZ_URL=http://127.0.0.1:8080/healthz
# Its own user, in dialout for the serial adapters passed in with --device (and --group-add dialout).
RUN groupadd --system --gid 10001 sterilink \
 && useradd --system --uid 10001 --gid sterilink --groups dialout --home-dir /var/lib/sterilink --shell /usr/sbin/nologin sterilink \
 && mkdir -p /var/lib/sterilink /etc/sterilink \
 && chown sterilink:sterilink /var/lib/sterilink && chmod 0750 /var/lib/sterilink
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist/vocabulary dist/vocabulary
COPY --from=build /app/dist/cli dist/cli
COPY --from=build /app/dist/gateway dist/gateway
COPY --from=build /app/dist/drivers dist/drivers
COPY --from=build /app/dist/config dist/config
COPY --from=build /app/dist/simulators dist/simulators
COPY --from=build /app/dist/web dist/web
COPY package.json ./
COPY config config
COPY docs docs
COPY web/static web/static
USER sterilink
VOLUME ["/var/lib/sterilink"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.STERILINK_HEALTHZ_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The V8 flags of the bin's #! line (cli/node-flags.ts, docs/performance.md "Memory").
# glibc malloc: 68 KiB and larger allocations in pages of their own (cli/node-flags.ts)
ENV MALLOC_MMAP_THRESHOLD_=69632
ENTRYPOINT ["node", "--max-semi-space-size=1", "--v8-pool-size=1", "dist/cli/sterilink.js"]
CMD ["run", "--config", "/etc/sterilink/site.yaml"]
