// The V8 flags the gateway runs with (docs/performance.md, "Memory"). They are on the `#!` line of
// cli/sterilink.ts, so `sterilink …`, `npx sterilink`, an `npm install -g` and the systemd unit get them;
// `npm start` and the Dockerfile's ENTRYPOINT name them too (test/unit/node-flags.test.ts holds all four
// to this list). With `node dist/cli/sterilink.js` they are not applied: the gateway still works, with
// a larger footprint.
//   --lite-mode: no optimizing compiler, no feedback vectors until needed: ~5 MB less RSS; this I/O-bound
//     gateway spends its CPU in system calls and GC, not in hot JS (measured: no CPU difference above noise).
//     Lite mode has no WebAssembly, so the gateway process has no global fetch() either (undici parses
//     HTTP with WebAssembly); it uses neither. --no-expose-wasm says so, which also silences V8's warning
//     "disabling flag --expose_wasm due to conflicting flags" on every start.
//   --max-semi-space-size=1: a 1 MB young generation instead of up to 16 MB: ~10 MB less RSS, more but
//     shorter scavenges.
export const NODE_FLAGS: readonly string[] = ['--lite-mode', '--no-expose-wasm', '--max-semi-space-size=1'];
