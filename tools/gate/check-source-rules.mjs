import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { findTestTierViolations, testFiles } from './check-test-tiers.mjs';
import { violation } from './violation.mjs';

const TEST_FILE = /(\.test\.ts|\/test-support\/.*)$/;
const FILE_READERS = new Set([
  'readFileSync',
  'readFile',
  'createReadStream',
  'openSync',
  'open',
  'readdirSync',
  'readdir',
  'existsSync',
]);
const DATA_FILE = /\.(sql|json|ya?ml|txt|csv|cbm|onnx)$/i;

/**
 * Code run from a string (a worker thread's evaluated script, eval, new Function) is seen by neither
 * the bundler, the type check nor these rules. Each file allowed to hold it names the build check
 * that runs that code where the bundle is installed.
 */
const EVALUATED_CODE_RUN_BY_A_BUILD_CHECK = new Map([
  ['libs/models/src/inference/onnx-thread.ts', "the CLI's --build-check `onnx thread` (onnx-runtime-check.ts)"],
]);

const FIX_BUNDLE_IT =
  'import the file (JSON) or keep SQL in a .ts module so the bundle carries it; model files are declared artifacts checked by readiness';

/** Runtime source files of apps and libs (tests excluded). */
export function runtimeSourceFiles(root) {
  const files = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(path);
    }
  };
  for (const kind of ['apps', 'libs']) {
    let projects;
    try {
      projects = readdirSync(join(root, kind));
    } catch {
      continue;
    }
    for (const project of projects) {
      try {
        walk(join(root, kind, project, 'src'));
      } catch {
        /* a project without src is reported by the projects check */
      }
    }
  }
  return files
    .map((file) => relative(root, file))
    .filter((file) => !TEST_FILE.test(file))
    .sort();
}

/**
 * @param {ts.Node | undefined} node
 * @returns {node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral}
 */
function isLiteral(node) {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));
}

/** `eval()`, `new Function()` or a Worker with `eval` set: what runs code from a string, or null. */
function codeFromAString(node, source) {
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'eval') return 'eval()';
  if (!ts.isNewExpression(node) || !ts.isIdentifier(node.expression)) return null;
  if (node.expression.text === 'Function') return 'new Function()';
  const options = node.arguments?.[1];
  const evalSet =
    node.expression.text === 'Worker' &&
    options !== undefined &&
    ts.isObjectLiteralExpression(options) &&
    options.properties.some(
      (property) =>
        ts.isPropertyAssignment(property) &&
        property.name.getText(source) === 'eval' &&
        property.initializer.kind !== ts.SyntaxKind.FalseKeyword,
    );
  return evalSet ? 'a Worker with eval' : null;
}

const evaluatedCode = (where, what) =>
  violation(
    'no-evaluated-code',
    where,
    `${what} runs code from a string, which the bundler, the type check and these rules cannot see`,
    'import the code as a module; if it must run from a string, add a build check that runs it in the image and list the file in EVALUATED_CODE_RUN_BY_A_BUILD_CHECK (tools/gate/check-source-rules.mjs)',
  );

/**
 * What dependency-cruiser cannot see: imports of computed names (the bundler cannot follow them,
 * so the module is missing from the image), code run from a string, and files located relative to
 * the source tree.
 */
export function findSourceRuleViolations(root, file) {
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  const where = (node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const visit = (node) => {
    if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword && !isLiteral(first)) {
        found.push(
          violation(
            'no-computed-import',
            where(node),
            'import() of a computed value: the bundler cannot include what it names',
            'import the module statically by its name',
          ),
        );
      }
      if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
        found.push(
          isLiteral(first)
            ? violation(
                'no-require-in-source',
                where(node),
                `require('${first.text}') in ES module source hides a dependency from the type check`,
                'use a static import',
              )
            : violation(
                'no-computed-import',
                where(node),
                'require() of a computed value: the bundler cannot include what it names',
                'import the module statically by its name',
              ),
        );
      }
      if (ts.isIdentifier(node.expression) && node.expression.text === 'createRequire') {
        found.push(
          violation(
            'no-computed-import',
            where(node),
            'createRequire() loads modules the bundler cannot see',
            'import the module statically by its name',
          ),
        );
      }
      const callee = ts.isPropertyAccessExpression(node.expression)
        ? node.expression.name.text
        : ts.isIdentifier(node.expression)
          ? node.expression.text
          : '';
      if (FILE_READERS.has(callee) && isLiteral(first) && DATA_FILE.test(first.text) && !first.text.startsWith('/')) {
        found.push(
          violation(
            'no-source-relative-read',
            where(node),
            `reads "${first.text}" by a relative path at run time; the image will not have it there`,
            FIX_BUNDLE_IT,
          ),
        );
      }
    }
    const runsAString = codeFromAString(node, source);
    if (runsAString && !EVALUATED_CODE_RUN_BY_A_BUILD_CHECK.has(file))
      found.push(evaluatedCode(where(node), runsAString));
    if (ts.isIdentifier(node) && (node.text === '__dirname' || node.text === '__filename')) {
      found.push(
        violation(
          'no-source-relative-read',
          where(node),
          `${node.text} locates files relative to the source tree, which the bundle does not ship`,
          FIX_BUNDLE_IT,
        ),
      );
    }
    if (
      ts.isMetaProperty(node) &&
      ts.isPropertyAccessExpression(node.parent) &&
      ['url', 'dirname', 'filename'].includes(node.parent.name.text)
    ) {
      found.push(
        violation(
          'no-source-relative-read',
          where(node),
          `import.meta.${node.parent.name.text} locates files relative to the source tree (and is empty in a CommonJS bundle)`,
          FIX_BUNDLE_IT,
        ),
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export function checkSourceRules(root) {
  const files = runtimeSourceFiles(root);
  const tests = testFiles(root);
  const violations = [
    ...files.flatMap((file) => findSourceRuleViolations(root, file)),
    ...tests.flatMap((file) => findTestTierViolations(root, file)),
  ];
  return { name: 'source rules', detail: `${files.length} runtime files, ${tests.length} test files`, violations };
}
