import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Only src/aws, src/sim, src/bench (and the DynamoDB state backend) import the AWS SDK. */
const SDK_PATTERN = { group: ['@aws-sdk/*'], message: 'Only src/aws, src/sim and src/bench import the AWS SDK: use AwsPort (src/aws/port) and src/aws/types.' };

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
    ignores: ['src/aws/**', 'src/sim/**', 'src/bench/**', 'test/support/sim*.ts', 'test/sim-*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [SDK_PATTERN] },
      ],
    },
  },
  // Layer rules (issue 12). Relative imports are matched by the folder they climb into:
  // `^(\.\./)+planner(/|$)` is any `../…/planner/…`. Test files may use test support.
  {
    files: ['src/providers/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [SDK_PATTERN, {
          regex: '^(\\.\\./)+(planner|controllers|deploy|main|status|server)(/|$)',
          message: 'providers execute steps for one resource kind; they take plans, hooks and port shapes from their caller (shapes live in src/model).',
        }],
      }],
    },
  },
  {
    files: ['src/planner/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          SDK_PATTERN,
          { regex: '^(\\.\\./)+(aws|providers|controllers|sim|main|server|deploy)(/|$)', message: 'the planner is pure: it reads model types only, never AWS or its callers.' },
          { regex: '^@aws-sdk/', message: 'the planner is pure: no AWS SDK types.' },
        ],
      }],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!\\./|\\.\\./(model|util)/)', message: 'src/model imports only src/model and src/util.' }],
      }],
    },
  },
  {
    files: ['src/deploy/machines/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!\\./|\\.\\./\\.\\./model/|xstate$)', message: 'deploy machines import only xstate, src/model and their own files; the world reaches them through ports.' }],
      }],
    },
  },
  {
    // test/architecture.test.ts checks these rules (and that product code imports nothing from test/) in npm test.
    files: ['src/aws/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(\\.\\./)+(providers|controllers|deploy|planner|main|status|server|sim)(/|$)', message: 'src/aws is the bottom layer: it imports nothing above it.' }],
      }],
    },
  },
);
