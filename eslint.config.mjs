import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bin/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // The AWS SDK stays behind the port (src/aws): everything else takes `AwsPort` and the
    // shapes src/aws/types.ts re-exports. The sim, the benches and the sim's test clients may use it.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    ignores: ['src/aws/**', 'src/sim/**', 'src/bench/**', 'test/support/sim.ts', 'test/sim-*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@aws-sdk/*'], message: 'Only src/aws, src/sim and src/bench import the AWS SDK: use AwsPort (src/aws/port) and src/aws/types.' }] },
      ],
    },
  },
);
