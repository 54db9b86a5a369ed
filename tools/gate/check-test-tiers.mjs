import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { violation } from './violation.mjs';

/**
 * What starts an emulator (gcloud's Pub/Sub and Firestore, the loopback BigQuery endpoint): a test
 * that imports one of these belongs to the contract tier, which CI's contract job runs with the
 * emulators installed (vitest.config.mts, project "contract").
 */
const EMULATOR_STARTERS = new Set(['startEmulator', 'emulatorUnavailable', 'EMULATORS', 'BigQueryRestEmulator']);
const EMULATOR_MODULE = /^@props\/emulators$|\/(gcloud-emulator|bigquery-rest-emulator)$/;
const CONTRACT_TEST = /\.contract\.test\.ts$/;

/** Every test file of the workspace (apps, libs, infra, tools), as vitest's projects find them. */
export function testFiles(root) {
  const files = [];
  const walk = (folder) => {
    for (const name of readdirSync(folder)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.test.ts')) files.push(relative(root, path));
    }
  };
  for (const folder of ['apps', 'libs', 'infra', 'tools']) {
    try {
      walk(join(root, folder));
    } catch {
      /* a workspace without this folder has no tests there */
    }
  }
  return files.sort();
}

/** A test that starts an emulator but is not named `*.contract.test.ts`, so the contract job would miss it. */
export function findTestTierViolations(root, file) {
  if (CONTRACT_TEST.test(file)) return [];
  const text = readFileSync(join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!EMULATOR_MODULE.test(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    const names =
      bindings && ts.isNamedImports(bindings)
        ? bindings.elements.map((element) => (element.propertyName ?? element.name).text)
        : [];
    const starters = names.filter((name) => EMULATOR_STARTERS.has(name));
    const whole = bindings !== undefined && ts.isNamespaceImport(bindings);
    if (starters.length === 0 && !whole) continue;
    const line = source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1;
    found.push(
      violation(
        'emulator-test-outside-contract-tier',
        `${file}:${line}`,
        `imports ${whole ? 'the emulators' : starters.join(', ')}, but only *.contract.test.ts files run in the contract tier (CI's emulator job)`,
        `rename it with git mv to ${file.replace(/(\.integration)?\.test\.ts$/, '.contract.test.ts')}`,
      ),
    );
  }
  return found;
}
