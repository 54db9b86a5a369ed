/**
 * Import rules of the workspace (docs/architecture.md, "Design decisions"). `npm run gate` runs them; each rule's name is what
 * the gate prints, and tools/gate/check-dependencies.mjs says how to fix each.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const TEST_FILE = '(\\.test\\.ts|/test-support/.*)$';

/** Each lib's kind (its project.json tag) and what each kind may import: tools/gate/lib-kinds.cjs. */
const { LIB_KINDS, libKinds } = require('./tools/gate/lib-kinds.cjs');
const KIND_OF_LIB = libKinds(__dirname);
const libsOf = (kinds) => [...KIND_OF_LIB].filter(([, kind]) => kinds.includes(kind)).map(([lib]) => lib);
const libPath = (kinds) => `^libs/(${libsOf(kinds).join('|') || '$^'})/`;
/** Tests may use kind:testing libs (stand-ins for cloud services, fixtures); runtime code never. */
const TESTING_LIBS = libPath(['kind:testing']);

/**
 * The kinds' directions, one rule per kind that is refused something (`data-access-lib-direction`,
 * ...): a lib imports only libs of the kinds its own kind may import. kind:testing is left to
 * no-testing-lib-in-runtime, since every kind's tests may use it.
 */
const KIND_DIRECTION_RULES = Object.entries(LIB_KINDS).flatMap(([kind, { mayImport }]) => {
  const refused = Object.keys(LIB_KINDS).filter((other) => other !== 'kind:testing' && !mayImport.includes(other));
  if (refused.length === 0) return [];
  return [{ name: `${kind.replace('kind:', '')}-lib-direction`, severity: 'error', from: { path: libPath([kind]) }, to: { path: libPath(refused) } }];
});

/** Domain code is pure: besides other domain libs it imports zod (its schemas) and nothing else, no Node module either. */
const DOMAIN_RUNTIME = { path: libPath(['kind:domain']), pathNot: TEST_FILE };
const DOMAIN_WITHOUT_IO_RULES = [
  { name: 'domain-lib-without-io', severity: 'error', from: DOMAIN_RUNTIME, to: { dependencyTypes: ['core'] } },
  { name: 'domain-lib-without-io', severity: 'error', from: DOMAIN_RUNTIME, to: { path: 'node_modules/', pathNot: 'node_modules/zod/' } },
];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
    { name: 'no-undeclared-package', severity: 'error', from: {}, to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] } },
    {
      name: 'not-to-dev-dep',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: TEST_FILE },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-app-to-app',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    { name: 'no-lib-to-app', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    {
      name: 'lib-only-through-public-entry',
      severity: 'error',
      from: { path: '^(apps|libs)/([^/]+)/' },
      to: { path: '^libs/[^/]+/', pathNot: ['^libs/[^/]+/src/index\\.ts$', '^$1/$2/'] },
    },
    {
      // A relative path into another project bypasses its public entry and Nx's project graph
      // exactly as a deep import does, whatever file it reaches (its index.ts included).
      name: 'no-relative-cross-project-import',
      severity: 'error',
      from: { path: '^((?:apps|libs)/[^/]+|infra)/', pathNot: '^infra/src/[^/]+\\.test\\.ts$' },
      to: { path: '^(apps|libs|infra)/', pathNot: '^$1/', dependencyTypes: ['local'], dependencyTypesNot: ['aliased'] },
    },
    {
      // One reasoned exception: infra's tests parse each service's declared environment with that
      // service's own configuration code (the apps have no public entry; a copy could drift).
      name: 'no-relative-cross-project-import',
      severity: 'error',
      from: { path: '^infra/src/[^/]+\\.test\\.ts$' },
      to: {
        path: '^(apps|libs)/',
        pathNot: '^apps/[^/]+/src/([a-z]+-config|backend-environment)\\.ts$',
        dependencyTypes: ['local'],
        dependencyTypesNot: ['aliased'],
      },
    },
    {
      name: 'no-test-code-in-runtime',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: TEST_FILE },
      to: { path: TEST_FILE },
    },
    {
      name: 'no-testing-lib-in-runtime',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: [TEST_FILE, TESTING_LIBS] },
      to: { path: TESTING_LIBS },
    },
    ...KIND_DIRECTION_RULES,
    ...DOMAIN_WITHOUT_IO_RULES,
    {
      name: 'google-cloud-only-in-gcp-adapters',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: ['/src/gcp/', TEST_FILE] },
      to: { path: 'node_modules/@google-cloud/' },
    },
    {
      name: 'duckdb-only-in-local-adapters',
      severity: 'error',
      from: { path: '^(apps|libs)/[^/]+/src/', pathNot: ['/src/local/', TEST_FILE] },
      to: { path: 'node_modules/@duckdb/' },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '\\.d\\.ts$',
          '^infra/src/index\\.ts$',
          '(^|/)tsconfig\\.json$', '(^|/)vitest\\.config\\.(m|c)?ts$', '\\.test\\.ts$'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    // node_modules stays in the graph (not followed): the package rules match imports that land there.
    exclude: { path: ['^dist/', '^tools/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
