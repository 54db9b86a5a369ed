import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pinnedNodeVersion } from '../node/pinned-version.mjs';
import { parseDockerfile } from './check-dockerfiles.mjs';
import { violation } from './violation.mjs';

/** package.json: engines.node, and @types/node of the same major. */
function manifestRules(root, pinned, major) {
  const violations = [];
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (manifest.engines?.node !== `^${pinned}`) {
    violations.push(
      violation(
        'node-version',
        'package.json',
        `engines.node is "${manifest.engines?.node}", .node-version says ${pinned}`,
        `set "engines": {"node": "^${pinned}"}`,
      ),
    );
  }
  const types = manifest.devDependencies?.['@types/node'] ?? '';
  if (types.replace(/^[\^~]/, '').split('.')[0] !== major) {
    violations.push(
      violation(
        'node-version',
        'package.json',
        `@types/node is ${types || 'missing'}, types of another Node than ${major}`,
        `npm install -D -E @types/node@${major}`,
      ),
    );
  }
  return violations;
}

/** Each Dockerfile's ARG NODE_VERSION, and every node: base through it. */
function dockerfileRules(root, pinned) {
  const violations = [];
  const dockerDir = join(root, 'docker');
  for (const name of existsSync(dockerDir)
    ? readdirSync(dockerDir)
        .filter((file) => file.endsWith('.Dockerfile'))
        .sort()
    : []) {
    const file = `docker/${name}`;
    const instructions = parseDockerfile(readFileSync(join(root, file), 'utf8'));
    const arg = instructions.find(
      (instruction) => instruction.keyword === 'ARG' && instruction.args.startsWith('NODE_VERSION'),
    );
    if (arg?.args !== `NODE_VERSION=${pinned}`) {
      violations.push(
        violation(
          'node-version',
          `${file}${arg ? `:${arg.line}` : ''}`,
          `${arg ? `"ARG ${arg.args}"` : 'no ARG NODE_VERSION'}; .node-version says ${pinned}`,
          `ARG NODE_VERSION=${pinned} before the first FROM`,
        ),
      );
    }
    for (const from of instructions.filter(
      (instruction) => instruction.keyword === 'FROM' && /^node:/.test(instruction.args),
    )) {
      if (!from.args.startsWith('node:${NODE_VERSION}')) {
        violations.push(
          violation(
            'node-version',
            `${file}:${from.line}`,
            `"FROM ${from.args}" names a Node version of its own`,
            'FROM node:${NODE_VERSION}-bookworm-slim',
          ),
        );
      }
    }
  }
  return violations;
}

/** Each workflow's setup-node reads .node-version. */
function workflowRules(root) {
  const violations = [];
  const workflows = join(root, '.github', 'workflows');
  for (const name of existsSync(workflows)
    ? readdirSync(workflows)
        .filter((file) => /\.ya?ml$/.test(file))
        .sort()
    : []) {
    const file = `.github/workflows/${name}`;
    const lines = readFileSync(join(workflows, name), 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (/^\s*node-version\s*:/.test(line)) {
        violations.push(
          violation(
            'node-version',
            `${file}:${index + 1}`,
            `"${line.trim()}" pins a Node version of its own`,
            'node-version-file: .node-version',
          ),
        );
      }
      if (/uses:\s*actions\/setup-node@/.test(line)) {
        const step = lines.slice(index + 1, index + 6).join('\n');
        if (!/node-version-file:\s*\.node-version\b/.test(step)) {
          violations.push(
            violation(
              'node-version',
              `${file}:${index + 1}`,
              'setup-node without node-version-file: .node-version',
              'add `with: node-version-file: .node-version`',
            ),
          );
        }
      }
    });
  }
  return violations;
}

/** .ci/run installs the pinned Node when the machine has another. */
function ciRules(root) {
  const violations = [];
  const ciRun = join(root, '.ci', 'run');
  if (existsSync(ciRun) && !readFileSync(ciRun, 'utf8').includes('tools/node/ensure-node.sh')) {
    violations.push(
      violation(
        'node-version',
        '.ci/run',
        'runs whatever Node the machine has',
        'put the pinned Node first on PATH: PATH="$(sh tools/node/ensure-node.sh):$PATH"',
      ),
    );
  }
  return violations;
}

/**
 * The Node version is written once (.node-version). Everything that names a Node must agree:
 * package.json engines and @types/node, each Dockerfile's NODE_VERSION, each workflow's setup-node,
 * and .ci/run (which installs that version when the machine's differs). The bundles' esbuild
 * target is derived from the file at build time, so it cannot disagree.
 */
export function checkNodeVersion(root) {
  let pinned;
  try {
    pinned = pinnedNodeVersion(root);
  } catch (error) {
    return {
      name: 'node version',
      detail: '.node-version',
      violations: [
        violation(
          'node-version',
          '.node-version',
          error instanceof Error ? error.message : String(error),
          'put the exact Node version, e.g. 24.22.3, in .node-version',
        ),
      ],
    };
  }
  const major = pinned.split('.')[0];
  const violations = [
    ...manifestRules(root, pinned, major),
    ...dockerfileRules(root, pinned),
    ...workflowRules(root),
    ...ciRules(root),
  ];
  return {
    name: 'node version',
    detail: `${pinned} in .node-version, engines, @types/node, Dockerfiles, workflows, .ci/run`,
    violations,
  };
}
