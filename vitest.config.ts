import { defineConfig } from 'vitest/config';

// Three tiers (DESIGN.md §6). Privileged and e2e tests touch the real kernel inside throwaway
// network namespaces; they run one file at a time so namespaces and timing do not interfere.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'privileged',
          include: ['test/privileged/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
          passWithNoTests: true,
        },
      },
    ],
  },
});
