import { defineConfig } from 'vitest/config';

/**
 * unit: no network, no stack. integration and e2e: the real Kafka, registry and ClickHouse of
 * deploy/local, which `npm test` starts before vitest runs (see deploy/local/cli.ts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One broker and one ClickHouse on two cores: run integration files one at a time.
          fileParallelism: false,
        },
      },
      // Stops brokers, ClickHouse and services of private stacks (own ports and folders) for many
      // minutes, so only `npm run test:faults` (WARDEN_FAULTS=1) adds it; `npm test` does not.
      ...(process.env.WARDEN_FAULTS === '1'
        ? [
            {
              test: {
                name: 'faults',
                include: ['test/faults/**/*.test.ts'],
                testTimeout: 1_800_000,
                hookTimeout: 300_000,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});
