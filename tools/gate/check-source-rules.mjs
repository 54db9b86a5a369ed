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
 * Code the bundle's static graph does not hold: run from a string (eval, Function) or on a thread or
 * VM (worker_threads, vm, whatever they run). Neither the bundler, the type check nor these rules
 * see it. A file may hold it only if listed here with the build check that runs that code where
 * the bundle is installed; the gate checks that the file exists, that the check is exported and
 * that the build-check command uses it.
 */
const CODE_RUN_BY_A_BUILD_CHECK = [
  {
    file: 'libs/models/src/inference/onnx-thread.ts',
    check: 'onnxThreadCheck',
    exportedBy: 'libs/models/src/inference/onnx-runtime-check.ts',
    runBy: 'apps/cli/src/build-check-command.ts',
  },
];
const RUNTIME_CODE_MODULES = new Set(['worker_threads', 'node:worker_threads', 'vm', 'node:vm']);

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

const moduleNamed = (specifier) =>
  specifier !== undefined && isLiteral(specifier) && RUNTIME_CODE_MODULES.has(specifier.text) ? specifier.text : null;

/** The module a declaration or import() loads, if it is one that runs code the bundle does not hold. */
function runtimeCodeModule(node) {
  if (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly) return null;
  if (ts.isExportDeclaration(node) && node.isTypeOnly) return null;
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return moduleNamed(node.moduleSpecifier);
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
    return moduleNamed(node.moduleReference.expression);
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
    return moduleNamed(node.arguments[0]);
  return null;
}

/** `eval` or `Function` as a value (`x.eval`, `globalThis.Function` too), not a name declared so or in a type. */
function codeFromAStringNamed(node) {
  if (ts.isElementAccessExpression(node) && isLiteral(node.argumentExpression))
    return ['eval', 'Function'].includes(node.argumentExpression.text) ? node.argumentExpression.text : null;
  if (!ts.isIdentifier(node) || !['eval', 'Function'].includes(node.text)) return null;
  const { parent } = node;
  for (let around = parent; around; around = around.parent) if (ts.isTypeNode(around)) return null;
  const declaredName =
    !ts.isPropertyAccessExpression(parent) &&
    !ts.isShorthandPropertyAssignment(parent) &&
    'name' in parent &&
    parent.name === node;
  return declaredName ? null : node.text;
}

/** What in `node` runs code the bundle does not hold, or null. */
function codeOutsideTheBundle(node) {
  const module = runtimeCodeModule(node);
  return module ? `an import of ${module}` : codeFromAStringNamed(node);
}

const evaluatedCode = (where, what) =>
  violation(
    'no-evaluated-code',
    where,
    `${what}: code the bundle does not hold, which the bundler, the type check and these rules cannot see`,
    'import the code as a module; if it must run from a string or on a thread, add a build check that runs it in the image and list the file in CODE_RUN_BY_A_BUILD_CHECK (tools/gate/check-source-rules.mjs)',
  );

/**
 * What dependency-cruiser cannot see: imports of computed names (the bundler cannot follow them,
 * so the module is missing from the image), code the bundle does not hold, and files located
 * relative to the source tree.
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
    const outside = codeOutsideTheBundle(node);
    if (outside && !CODE_RUN_BY_A_BUILD_CHECK.some((allowed) => allowed.file === file))
      found.push(evaluatedCode(where(node), outside));
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

/** An allowance whose file is gone, or whose build check no longer exists under its name. */
function staleAllowance(root, { file, check, exportedBy, runBy }) {
  const parsed = (path) => {
    try {
      return ts.createSourceFile(path, readFileSync(join(root, path), 'utf8'), ts.ScriptTarget.Latest, true);
    } catch {
      return null;
    }
  };
  const exported = (source) =>
    source.statements.some(
      (statement) =>
        ts.isVariableStatement(statement) &&
        statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword) &&
        statement.declarationList.declarations.some((declaration) => declaration.name.getText(source) === check),
    );
  // Listed among the command's checks: an element of an array literal, not any mention of the name.
  const used = (source) => {
    let found = false;
    const visit = (node) => {
      if (ts.isIdentifier(node) && node.text === check && ts.isArrayLiteralExpression(node.parent)) found = true;
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  };
  const [source, exporter, runner] = [file, exportedBy, runBy].map(parsed);
  const problem = !source
    ? 'the file is gone'
    : !exporter || !exported(exporter)
      ? `${exportedBy} does not export ${check}`
      : !runner || !used(runner)
        ? `${runBy} does not run ${check}`
        : null;
  return problem
    ? [
        violation(
          'no-evaluated-code',
          file,
          `CODE_RUN_BY_A_BUILD_CHECK lists ${file}, but ${problem}`,
          'update or remove the entry in tools/gate/check-source-rules.mjs',
        ),
      ]
    : [];
}

export function checkSourceRules(root) {
  const files = runtimeSourceFiles(root);
  const tests = testFiles(root);
  const violations = [
    ...CODE_RUN_BY_A_BUILD_CHECK.flatMap((allowed) => staleAllowance(root, allowed)),
    ...files.flatMap((file) => findSourceRuleViolations(root, file)),
    ...tests.flatMap((file) => findTestTierViolations(root, file)),
  ];
  return { name: 'source rules', detail: `${files.length} runtime files, ${tests.length} test files`, violations };
}
