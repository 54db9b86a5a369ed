/**
 * Modules a bundled package requires only inside try/catch, as an optional extra, and that this
 * workspace deliberately does not install. The build resolves each to a module that throws when
 * loaded (exactly what an uninstalled module does), so the bundle keeps no runtime require the
 * gate could not vouch for. Anything not listed here and left unresolved fails the gate.
 */
export const ABSENT_OPTIONAL_MODULES = {
  encoding:
    "node-fetch's optional charset converter (via @google-cloud/storage → gaxios); used only by Response.textConverted(), which nothing here calls",
};

export function absentOptionalModulesPlugin() {
  const names = Object.keys(ABSENT_OPTIONAL_MODULES);
  const filter = new RegExp(`^(${names.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  return {
    name: 'absent-optional-modules',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'absent-optional' }));
      build.onLoad({ filter: /.*/, namespace: 'absent-optional' }, (args) => ({
        contents: `const error = new Error(${JSON.stringify(`Cannot find module '${args.path}' (an optional module this bundle deliberately leaves out: ${ABSENT_OPTIONAL_MODULES[args.path]})`)}); error.code = 'MODULE_NOT_FOUND'; throw error;`,
        loader: 'js',
      }));
    },
  };
}
