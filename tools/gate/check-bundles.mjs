import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import { buildApp, bundleExternals, packageNameOf } from '../build/build-app.mjs';
import { NATIVE_PACKAGES } from './native-packages.mjs';
import { violation } from './violation.mjs';

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
/** `require`, and `__require`: esbuild's stand-in for it in an ES module bundle. */
const REQUIRE_CALLS = new Set(['require', '__require']);

/**
 * `require("x")` calls left in the bundle's code: esbuild leaves an unresolvable require inside a
 * try/catch in place (with only a warning), and Node then needs x at run time. Parsed, not
 * grepped, so generated-code strings that merely mention require("x") do not count.
 */
export function leftoverRequires(bundleText) {
  const names = new Set();
  const source = ts.createSourceFile('main.js', bundleText, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && REQUIRE_CALLS.has(node.expression.text)) {
      const [first] = node.arguments;
      if (first && ts.isStringLiteral(first) && !first.text.startsWith('.') && !first.text.startsWith('/')) {
        const name = first.text;
        if (!BUILTINS.has(name) && !BUILTINS.has(name.split('/')[0] ?? '')) names.add(packageNameOf(name));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...names].sort();
}

/** What a built dist/apps/<app> folder must satisfy to run from its own package.json. */
export function inspectBundle(root, app) {
  const outdir = join(root, 'dist', 'apps', app);
  const violations = [];
  const file = `dist/apps/${app}`;
  for (const required of ['main.js', 'main.js.map', 'meta.json', 'package.json', 'package-lock.json']) {
    if (!existsSync(join(outdir, required))) {
      violations.push(
        violation(
          'bundle-files',
          `${file}/${required}`,
          'missing from the build output',
          `run node tools/build/build-app.mjs ${app}`,
        ),
      );
    }
  }
  if (violations.length > 0) return violations;
  const metafile = JSON.parse(readFileSync(join(outdir, 'meta.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(outdir, 'package.json'), 'utf8'));
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  const lock = JSON.parse(readFileSync(join(outdir, 'package-lock.json'), 'utf8'));
  const externals = bundleExternals(metafile);
  for (const name of externals) {
    if (!NATIVE_PACKAGES.includes(name)) {
      violations.push(
        violation(
          'bundle-externals',
          `apps/${app}/project.json`,
          `the ${app} bundle leaves "${name}" external, but only native packages (${NATIVE_PACKAGES.join(', ')}) may be`,
          `remove "${name}" from bundle.external so esbuild bundles it`,
        ),
      );
    }
  }
  // main.js and every chunk it shares or loads with import() (the metafile names them from the workspace root).
  const code = Object.keys(metafile.outputs).filter((output) => output.endsWith('.js'));
  const used = new Set([
    ...externals,
    ...code.flatMap((output) => leftoverRequires(readFileSync(join(root, output), 'utf8'))),
  ]);
  for (const name of used) {
    if (!declared.has(name)) {
      violations.push(
        violation(
          'bundle-manifest',
          `${file}/package.json`,
          `the bundle requires "${name}" at run time but the generated package.json does not name it, so the image will not have it`,
          `bundle "${name}" (make its import static and resolvable) or, if native, declare it in bundle.external`,
        ),
      );
    } else if (!lock.packages?.[`node_modules/${name}`]) {
      violations.push(
        violation(
          'bundle-manifest',
          `${file}/package-lock.json`,
          `the generated lockfile has no entry for "${name}"`,
          'rebuild; the workspace lockfile must contain it (npm install)',
        ),
      );
    }
  }
  for (const name of declared) {
    if (!used.has(name)) {
      violations.push(
        violation(
          'bundle-manifest',
          `${file}/package.json`,
          `names "${name}", which the bundle never loads`,
          'rebuild the app; the generated package.json must match the bundle',
        ),
      );
    }
  }
  return violations;
}

/** Builds every deployable app afresh, then inspects each output folder. */
export async function checkBundles(root, apps) {
  const violations = [];
  const details = [];
  for (const app of apps) {
    try {
      const { manifest } = await buildApp(app, { root, log: () => {} });
      details.push(`${app} [${Object.keys(manifest.dependencies).join(', ') || 'no externals'}]`);
    } catch (error) {
      const failure = /** @type {Error & { errors?: import('esbuild').Message[] }} */ (error);
      const errors = failure.errors?.length
        ? failure.errors
            .map((message) => `${message.location?.file ?? ''}:${message.location?.line ?? ''} ${message.text}`)
            .join('; ')
        : failure.message;
      violations.push(
        violation(
          'bundle-build',
          `apps/${app}/src/main.ts`,
          `esbuild could not bundle ${app}: ${errors}`,
          'fix the import esbuild names (a missing file or package fails the build)',
        ),
      );
      continue;
    }
    violations.push(...inspectBundle(root, app));
  }
  return { name: 'bundles', detail: details.join('; '), violations };
}
