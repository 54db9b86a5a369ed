import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { violation } from './violation.mjs';
import { listProjects } from './workspace.mjs';

const RUNBOOK_PARTS = ['## What it means', '## How to look', '## What to do', '## How to know it is over'];
/** Documents that live outside the repository: a reader of a clone cannot follow them. */
const OUTSIDE_DOCUMENTS = /\bDESIGN\.md\b|original-consumer-contract\.md|\.\.\/shared\//;
const SOURCE_FOLDERS = ['apps', 'libs', 'infra', 'tools', 'monitoring', 'docker', '.github', 'docs'];
/** This check names the outside documents it refuses. */
const SELF = new Set(['tools/gate/check-docs.mjs', 'tools/gate/gate.integration.test.ts']);

/** @param {string} root @param {string} folder @param {(name: string) => boolean} keep @returns {string[]} */
function filesUnder(root, folder, keep) {
  const start = join(root, folder);
  if (!existsSync(start)) return [];
  /** @type {string[]} */
  const found = [];
  const walk = (/** @type {string} */ path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.nx')) continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (keep(entry.name)) found.push(relative(root, full));
    }
  };
  walk(start);
  return found.sort();
}

/** @param {string} root */
function documents(root) {
  return [
    ...['README.md', 'CONTRIBUTING.md'].filter((name) => existsSync(join(root, name))),
    ...filesUnder(root, 'docs', (name) => name.endsWith('.md')),
  ];
}

/** Markdown links `[text](target)` outside code, with their line numbers. @param {string} text */
function linksOf(text) {
  /** @type {Array<{ target: string, line: number }>} */
  const links = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) return;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
      links.push({ target: match[1] ?? '', line: index + 1 });
  });
  return links;
}

/** @param {string} root @param {string[]} docs */
function brokenLinks(root, docs) {
  const violations = [];
  for (const doc of docs) {
    for (const { target, line } of linksOf(readFileSync(join(root, doc), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const path = decodeURIComponent(target.split('#')[0] ?? '');
      if (path === '' || existsSync(join(root, dirname(doc), path))) continue;
      violations.push(
        violation(
          'docs-link',
          `${doc}:${line}`,
          `links ${target}, which does not exist`,
          'point the link at a file of the repository, or write that file',
        ),
      );
    }
  }
  return violations;
}

/** The README's layout block names every project by its folder. @param {string} root */
function layoutGaps(root) {
  const readme = existsSync(join(root, 'README.md')) ? readFileSync(join(root, 'README.md'), 'utf8') : '';
  const block = /## Layout\s*\n+```[^\n]*\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (block === undefined)
    return [violation('docs-layout', 'README.md', 'no "## Layout" section with a code block', 'add the layout')];
  const listed = new Set(block.split('\n').map((line) => line.split(/\s+/)[0]?.replace(/\/$/, '')));
  const projects = [...listProjects(root).map((project) => project.root)];
  if (existsSync(join(root, 'infra', 'project.json'))) projects.push('infra');
  return projects
    .filter((project) => !listed.has(project))
    .map((project) =>
      violation(
        'docs-layout',
        'README.md',
        `the layout does not name the project ${project}`,
        `add a line "${project}   <what it is>" to the README's layout`,
      ),
    );
}

/** Every alert policy has a runbook page with the four parts. @param {string} root */
function missingRunbooks(root) {
  const folder = join(root, 'monitoring', 'policies');
  const policies = (existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith('.json')) : []).map(
    (name) => ({ name: name.replace(/\.json$/, ''), file: `monitoring/policies/${name}` }),
  );
  // Policies the environment program declares in code (on Pub/Sub's own metrics, say) page too.
  for (const file of filesUnder(root, 'infra/src', (name) => name.endsWith('.ts') && !name.endsWith('.test.ts')))
    for (const match of readFileSync(join(root, file), 'utf8').matchAll(
      /new gcp\.monitoring\.AlertPolicy\(\s*'([a-z_]+)'/g,
    ))
      policies.push({ name: match[1] ?? '', file });
  const violations = [];
  for (const policy of policies.sort((a, b) => a.name.localeCompare(b.name))) {
    const page = `docs/runbooks/${policy.name.replace(/^props_/, '')}.md`;
    if (!existsSync(join(root, page))) {
      violations.push(
        violation(
          'docs-runbook',
          policy.file,
          `the alert policy has no runbook (${page})`,
          'write the page: what it means, how to look, what to do, how to know it is over',
        ),
      );
      continue;
    }
    const text = readFileSync(join(root, page), 'utf8');
    for (const part of RUNBOOK_PARTS.filter((heading) => !text.includes(`\n${heading}\n`)))
      violations.push(violation('docs-runbook', page, `has no "${part}" section`, `add "${part}"`));
  }
  return violations;
}

/** The CLI's command words, read from the `words: [...]` of its command definitions. @param {string} root */
function cliCommands(root) {
  const commands = new Set(['help', 'version']);
  for (const file of filesUnder(root, 'apps/cli/src', (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
    for (const match of readFileSync(join(root, file), 'utf8').matchAll(/words:\s*\[\s*'([a-z-]+)'/g))
      commands.add(match[1] ?? '');
  }
  return commands;
}

/** `npx props <command>` in a document names a command that exists. @param {string} root @param {string[]} docs */
function unknownCommands(root, docs) {
  const commands = cliCommands(root);
  const violations = [];
  for (const doc of docs) {
    readFileSync(join(root, doc), 'utf8')
      .split('\n')
      .forEach((line, index) => {
        for (const match of line.matchAll(/\bnpx props ([a-z][a-z-]*)/g)) {
          if (commands.has(match[1] ?? '')) continue;
          violations.push(
            violation(
              'docs-command',
              `${doc}:${index + 1}`,
              `shows "npx props ${match[1]}", which is not a props command (${[...commands].sort().join(', ')})`,
              'name a command that exists, or add the command',
            ),
          );
        }
      });
  }
  return violations;
}

/** No document or source file sends its reader to a document outside the repository. @param {string} root */
function outsideCitations(root) {
  const files = [
    ...['README.md', 'CONTRIBUTING.md'].filter((name) => existsSync(join(root, name))),
    ...SOURCE_FOLDERS.flatMap((folder) =>
      filesUnder(root, folder, (name) => /\.(ts|mts|mjs|cjs|js|md|ya?ml|json|sh)$|Dockerfile$/.test(name)),
    ),
  ].filter((file) => !SELF.has(file) && statSync(join(root, file)).size < 2_000_000);
  const violations = [];
  for (const file of files) {
    readFileSync(join(root, file), 'utf8')
      .split('\n')
      .forEach((line, index) => {
        const cited = OUTSIDE_DOCUMENTS.exec(line)?.[0];
        if (cited)
          violations.push(
            violation(
              'docs-outside',
              `${file}:${index + 1}`,
              `cites ${cited}, which is not in the repository`,
              'cite the document of this repository that says it (docs/), or say it here',
            ),
          );
      });
  }
  return violations;
}

/**
 * The manual as a reader meets it: links that resolve, a layout that names every project, a
 * runbook for every page the monitoring sends, commands that exist, nothing cited from outside.
 * @param {string} root
 */
export function checkDocs(root) {
  const docs = documents(root);
  const violations = [
    ...brokenLinks(root, docs),
    ...layoutGaps(root),
    ...missingRunbooks(root),
    ...unknownCommands(root, docs),
    ...outsideCitations(root),
  ];
  return { name: 'docs', detail: `${docs.length} documents`, violations };
}
