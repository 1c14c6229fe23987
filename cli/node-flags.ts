// The V8 flags (and malloc setting) the gateway runs with (docs/performance.md, "Memory"). They are on the `#!` line of
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
// And one setting of glibc's malloc, as an environment variable (env -S sets it on the #! line):
//   MALLOC_MMAP_THRESHOLD_=69632: allocations of 68 KiB and more get pages of their own, returned to the
//     system when freed. By default the threshold starts at 128 KiB and rises to the size of any mmapped
//     block freed, so large blocks end up in the malloc arenas, which keep what was freed inside them:
//     ~1 MB less RSS at 16 devices. It stays above node's 64 KiB socket read buffers: at 16 KiB the RSS
//     fell a little more, but every socket read then cost an mmap, an mremap and a munmap, ~0.3 % of a core
//     more system time at 16 devices. Ignored where the C library is not glibc.
// Tried and not shipped (docs/performance.md, "Memory"): --lite-mode takes ~5 MB more off at 16 devices and
// ~25 MB at 64, but costs ~25–40 % more CPU at 64 devices (no optimizing compiler), which puts the gateway
// above Node-RED's CPU on the footprint job; it also removes WebAssembly (and so fetch). A site short of
// memory can still start the gateway with `node --lite-mode --no-expose-wasm --max-semi-space-size=1`.
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--v8-pool-size=1'];
/** Environment the gateway's node starts with, as `NAME=value`. */
export const NODE_ENV_SETTINGS: readonly string[] = ['MALLOC_MMAP_THRESHOLD_=69632'];
