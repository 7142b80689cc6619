/** Three tiers (STYLE §9): pure specs, store/projection integration specs, HTTP end-to-end specs. */
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|m?j)s$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper: {
    '^@tongxin/access$': '<rootDir>/libs/access/src/index.ts',
    '^@tongxin/domain$': '<rootDir>/libs/domain/src/index.ts',
    '^@tongxin/event-store$': '<rootDir>/libs/event-store/src/index.ts',
    '^@tongxin/event-store/testing$': '<rootDir>/libs/event-store/src/testing/index.ts',
    '^@tongxin/projections$': '<rootDir>/libs/projections/src/index.ts',
    '^@tongxin/privacy$': '<rootDir>/libs/privacy/src/index.ts',
    '^@tongxin/jobs$': '<rootDir>/libs/jobs/src/index.ts',
    '^@tongxin/imports$': '<rootDir>/libs/imports/src/index.ts',
  },
};
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
