import type { Config } from 'jest';

// Two projects: `unit` never touches Docker; `integration` (*.int-spec.ts) runs
// against the lab started by scripts/lab.sh (DOCKER_HOST and REGISTRY_URL set).
const moduleNameMapper = {
  '^@app/(common|swarm|catalog|registry|mcp)$': '<rootDir>/libs/$1/src',
  '^@app/(common|swarm)/testing$': '<rootDir>/libs/$1/src/testing',
};
// Some dependencies ship ESM only (Node 20 can require() them, jest cannot): compile those too.
const esmOnly = ['content-disposition'];
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' } }],
};
const shared = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper,
};

const config: Config = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps/api,apps/agent,libs,test,scripts}/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/{apps/api,apps/agent,libs,test,scripts}/**/*.int-spec.ts'] },
  ],
};
export default config;
