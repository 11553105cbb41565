import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Only the netlink wrapper may import the npm 'netlink' package (DESIGN.md §4).
      'no-restricted-imports': ['error', { paths: [{ name: 'netlink', message: 'import src/dataplane/netlink instead' }] }],
    },
  },
  {
    files: ['src/dataplane/netlink/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
