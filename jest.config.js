/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { rootDir: '.', isolatedModules: true } , diagnostics: false }] },
  setupFiles: ['<rootDir>/test/setup-env.js'],
  testTimeout: 60000,
};
