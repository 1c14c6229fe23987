// The shared vocabulary: the words every part of SteriLink speaks. Pure, and imports nothing of the project;
// drivers, the gateway, the verifier, the CLI and the simulators import it (docs/architecture.md).

export * from './backoff.js';
export * from './device-event.js';
export * from './errors.js';
export * from './function-keys.js';
export * from './phases.js';
export * from './program-numbers.js';
export * from './redact-url.js';
