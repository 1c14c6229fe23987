// The V8 flags the gateway runs with (docs/performance.md, "Memory"). They are on the `#!` line of
// cli/sterilink.ts, so `sterilink …`, `npx sterilink`, an `npm install -g` and the systemd unit get them;
// `npm start` and the Dockerfile's ENTRYPOINT name them too (test/unit/node-flags.test.ts holds all four
// to this list). With `node dist/cli/sterilink.js` they are not applied: the gateway still works, with
// a larger footprint.
//   --max-semi-space-size=1: a 1 MB young generation instead of up to 16 MB: ~10 MB less RSS (~20 MB at 64
//     devices), more but shorter scavenges; no CPU cost above the noise.
//   --v8-pool-size=1: one V8 background thread instead of one per core (4 on a Pi). Each of them compiles
//     and marks with memory from its own glibc malloc arena, which keeps what it freed: ~9–10 MB less RSS
//     at 16 devices; the main thread does no more work (the background tasks still run, one at a time), so
//     no CPU cost above the noise.
// Tried and not shipped (docs/performance.md, "Memory"): --lite-mode takes ~5 MB more off at 16 devices and
// ~25 MB at 64, but costs ~25–40 % more CPU at 64 devices (no optimizing compiler), which puts the gateway
// above Node-RED's CPU on the footprint job; it also removes WebAssembly (and so fetch). A site short of
// memory can still start the gateway with `node --lite-mode --no-expose-wasm --max-semi-space-size=1`.
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--v8-pool-size=1'];
