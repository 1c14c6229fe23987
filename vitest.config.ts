import { defineConfig } from 'vitest/config';

// Integration tests spawn Mosquitto, socat and the built CLI; the machines have 2 cores, so files run
// in at most two workers and every test awaits events with generous ceilings instead of sleeping.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
