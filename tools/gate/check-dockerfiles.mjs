import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isExcluded, parseDockerignore } from './dockerignore.mjs';
import { NATIVE_PACKAGES, NON_GLIBC_BASE } from './native-packages.mjs';
import { violation } from './violation.mjs';

/** Instructions of a Dockerfile with continuations joined: [{line, keyword, args}]. */
export function parseDockerfile(text) {
  const instructions = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (!pending) startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    if (full.startsWith('#')) return;
    const [keyword, ...rest] = full.split(/\s+/);
    instructions.push({ line: startLine, keyword: (keyword ?? '').toUpperCase(), args: rest.join(' ') });
  });
  return instructions;
}

function copySources(args) {
  const words = args.startsWith('[') ? JSON.parse(args) : args.split(/\s+/);
  const positional = words.filter((word) => !word.startsWith('--'));
  const from = words.find((word) => word.startsWith('--from='));
  return { sources: positional.slice(0, -1), fromStage: from?.slice('--from='.length) };
}

/** `ARG NAME=value` lines before the first FROM: the defaults a plain `docker build` uses. */
function globalArgs(instructions) {
  const args = {};
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') break;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$/.exec(instruction.args);
    if (instruction.keyword === 'ARG' && match?.[1] && match[2]) args[match[1]] = match[2].replace(/^["']|["']$/g, '');
  }
  return args;
}

/** The image the final stage starts from, with ARG defaults substituted (what a plain build pulls). */
export function dockerfileBaseImage(root, app) {
  const instructions = parseDockerfile(readFileSync(join(root, 'docker', `${app}.Dockerfile`), 'utf8'));
  const args = globalArgs(instructions);
  const from = instructions.filter((instruction) => instruction.keyword === 'FROM').at(-1);
  return from.args.split(/\s+/)[0].replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name) => args[name] ?? '');
}

/** A bundle that loads native addons needs glibc. */
function baseImageRules(recipe) {
  const { root, app, finalStage, at } = recipe;
  const violations = [];
  const project = JSON.parse(readFileSync(join(root, 'apps', app, 'project.json'), 'utf8'));
  const natives = (project.bundle?.external ?? []).filter((name) => NATIVE_PACKAGES.includes(name));
  const from = finalStage[0];
  if (natives.length > 0 && NON_GLIBC_BASE.test(from.args)) {
    violations.push(
      violation(
        'docker-base-image',
        at(from),
        `base "${from.args}" has no glibc, but the bundle loads native ${natives.join(', ')}`,
        'use a glibc base: node:${NODE_VERSION}-bookworm-slim',
      ),
    );
  }
  return violations;
}

/** The image holds its bundle folder and nothing else of the workspace. */
function copyRules(recipe) {
  const { instructions, stageNames, allowed, file, at } = recipe;
  const violations = [];
  let copiesBundle = false;
  for (const instruction of instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
    const { sources, fromStage } = copySources(instruction.args);
    if (fromStage && stageNames.has(fromStage)) continue;
    for (const source of sources) {
      const normalized = source.replace(/^\.\//, '').replace(/\/+$/, '');
      if (normalized === allowed) copiesBundle = true;
      if (normalized !== allowed && !normalized.startsWith(`${allowed}/`)) {
        violations.push(
          violation(
            'docker-copy',
            at(instruction),
            `copies "${source}"; an image may contain only its bundle folder ${allowed}/`,
            `COPY ${allowed}/ ./ and let the bundle carry the code`,
          ),
        );
      }
    }
  }
  if (!copiesBundle) {
    violations.push(
      violation(
        'docker-copy',
        file,
        `never copies its bundle folder ${allowed}/, so the image has no code to run`,
        `COPY ${allowed}/ ./`,
      ),
    );
  }
  return violations;
}

/** The function each app's main.ts calls so stacks name the TypeScript source. */
const STACK_MAPPER_CALL = 'mapStackTracesThroughSourceMaps()';

/**
 * Stack traces must point at the .ts source, not into the bundle, without `--enable-source-maps`:
 * that flag makes Node read and parse the map of every file it loads at each start; the app maps a
 * stack through the bundle's maps when it is formatted instead (@props/observability).
 */
function sourceMapRules(recipe) {
  const { root, app, finalStage, file, at } = recipe;
  const violations = [];
  for (const instruction of finalStage.filter(
    (i) => i.keyword === 'ENV' && /NODE_OPTIONS\b[^\n]*--enable-source-maps/.test(i.args),
  )) {
    violations.push(
      violation(
        'docker-source-maps',
        at(instruction),
        'sets --enable-source-maps, so every start reads and parses the source map of each file it loads',
        `drop the flag: apps/${app}/src/main.ts maps stacks when they are formatted (${STACK_MAPPER_CALL})`,
      ),
    );
  }
  const main = join(root, 'apps', app, 'src', 'main.ts');
  if (existsSync(main) && !readFileSync(main, 'utf8').includes(STACK_MAPPER_CALL)) {
    violations.push(
      violation(
        'docker-source-maps',
        file,
        `apps/${app}/src/main.ts never calls ${STACK_MAPPER_CALL}, so stack traces in the image point into the bundle`,
        `call ${STACK_MAPPER_CALL} (from @props/observability) first in apps/${app}/src/main.ts`,
      ),
    );
  }
  return violations;
}

/**
 * The environment the final stage sets (its ENV instructions, `KEY=value` pairs): what the
 * service runs with in the image. The start-up bench runs the bundle with it.
 * @returns {Record<string, string>}
 */
export function imageEnvironment(root, app) {
  const instructions = parseDockerfile(readFileSync(join(root, 'docker', `${app}.Dockerfile`), 'utf8'));
  const finalStage = instructions.slice(instructions.findLastIndex((i) => i.keyword === 'FROM'));
  /** @type {Record<string, string>} */
  const env = {};
  for (const instruction of finalStage.filter((i) => i.keyword === 'ENV')) {
    for (const [, name, quoted, plain] of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))/g))
      env[name] = quoted ?? plain ?? '';
  }
  return env;
}

/** The generated lockfile installed with npm ci, without devDependencies, offline. */
function installRules(recipe) {
  const { finalStage, install, file, at } = recipe;
  const violations = [];
  const envSkip = finalStage.some(
    (i) => (i.keyword === 'ENV' || i.keyword === 'ARG') && /ONNXRUNTIME_NODE_INSTALL[= ]+["']?skip/.test(i.args),
  );
  const runs = finalStage.filter((i) => i.keyword === 'RUN');
  if (!install) {
    violations.push(
      violation(
        'docker-install',
        file,
        'does not install the generated package.json with npm ci',
        'RUN npm ci --omit=dev (the lockfile pins the natives the workspace tested)',
      ),
    );
  } else {
    if (!/--omit[= ]dev\b/.test(install.args)) {
      violations.push(
        violation('docker-install', at(install), 'npm ci installs devDependencies too', 'add --omit=dev'),
      );
    }
    if (!envSkip && !/ONNXRUNTIME_NODE_INSTALL=skip/.test(install.args)) {
      violations.push(
        violation(
          'docker-install',
          at(install),
          'installs without ONNXRUNTIME_NODE_INSTALL=skip, so onnxruntime-node tries to download CUDA libraries and fails offline',
          'ENV ONNXRUNTIME_NODE_INSTALL=skip before the install',
        ),
      );
    }
  }
  if (runs.some((i) => /\bnpm\s+(install|i)\b/.test(i.args))) {
    const bad = runs.find((i) => /\bnpm\s+(install|i)\b/.test(i.args));
    violations.push(
      violation('docker-install', at(bad), 'npm install ignores the generated lockfile', 'use npm ci --omit=dev'),
    );
  }
  return violations;
}

/** The service's own user, and the bundle's --build-check run as it after the install. */
function buildCheckRules(recipe) {
  const { finalStage, install, file, at } = recipe;
  const violations = [];
  const buildCheck = finalStage.findIndex((i) => i.keyword === 'RUN' && /\bmain\.js\b.*--build-check/.test(i.args));
  const lastUser = finalStage.filter((i) => i.keyword === 'USER').at(-1);
  if (!lastUser || /^(root|0)(:|$)/.test(lastUser.args)) {
    violations.push(
      violation(
        'docker-user',
        lastUser ? at(lastUser) : file,
        'the service would run as root',
        "USER node before the build check, so it runs (and is checked) as the image's own user",
      ),
    );
  }
  if (buildCheck === -1) {
    violations.push(
      violation(
        'docker-build-check',
        file,
        "never runs the bundle's --build-check, so an image that cannot boot still builds",
        'RUN node main.js --build-check after the install and USER node',
      ),
    );
  } else if (install && finalStage.indexOf(install) > buildCheck) {
    violations.push(
      violation(
        'docker-build-check',
        at(finalStage[buildCheck]),
        'runs --build-check before the install, so it cannot see missing packages',
        'move the build check after npm ci',
      ),
    );
  } else if (lastUser && finalStage.indexOf(lastUser) > buildCheck) {
    violations.push(
      violation(
        'docker-build-check',
        at(finalStage[buildCheck]),
        'runs --build-check as root, so it cannot see folders the service user cannot write',
        'move the build check after USER node',
      ),
    );
  }
  return violations;
}

/** The image runs the bundle. */
function commandRules(recipe) {
  const { finalStage, file, at } = recipe;
  const violations = [];
  const entrypoint = finalStage.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  const command = entrypoint ?? finalStage.filter((i) => i.keyword === 'CMD').at(-1);
  if (!command || !/\bmain\.js\b/.test(command.args)) {
    violations.push(
      violation(
        'docker-command',
        command ? at(command) : file,
        'the image does not run main.js',
        'CMD ["node", "main.js"]',
      ),
    );
  }
  return violations;
}

/** .dockerignore must not hide what the Dockerfile copies. */
function dockerignoreRules(recipe) {
  const { root, allowed, file } = recipe;
  const violations = [];
  const ignoreFile = join(root, '.dockerignore');
  if (existsSync(ignoreFile)) {
    const rules = parseDockerignore(readFileSync(ignoreFile, 'utf8'));
    for (const needed of ['main.js', 'package.json', 'package-lock.json']) {
      if (isExcluded(rules, `${allowed}/${needed}`)) {
        violations.push(
          violation(
            'dockerignore',
            '.dockerignore',
            `excludes ${allowed}/${needed}, which ${file} copies`,
            `add "!${allowed}/" after the excluding line, or narrow it`,
          ),
        );
      }
    }
  }
  return violations;
}

/** One Dockerfile per deployable app, shaped so a broken image cannot even be built. */
export function inspectDockerfile(root, app) {
  const file = `docker/${app}.Dockerfile`;
  const path = join(root, file);
  if (!existsSync(path)) {
    return [
      violation(
        'docker-recipe',
        file,
        `the deployable app ${app} has no Dockerfile`,
        `create ${file} (copy docker/worker.Dockerfile and rename)`,
      ),
    ];
  }
  const instructions = parseDockerfile(readFileSync(path, 'utf8'));
  const stageStarts = instructions
    .map((instruction, index) => (instruction.keyword === 'FROM' ? index : -1))
    .filter((index) => index >= 0);
  if (stageStarts.length === 0)
    return [
      violation(
        'docker-recipe',
        file,
        'has no FROM',
        'start from the glibc Node image: FROM node:${NODE_VERSION}-bookworm-slim',
      ),
    ];
  const finalStage = instructions.slice(stageStarts.at(-1));
  const recipe = {
    root,
    app,
    file,
    instructions,
    finalStage,
    stageNames: new Set(
      instructions
        .filter((i) => i.keyword === 'FROM')
        .map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1])
        .filter(Boolean),
    ),
    allowed: `dist/apps/${app}`,
    install: finalStage.find((i) => i.keyword === 'RUN' && /\bnpm\s+ci\b/.test(i.args)),
    at: (instruction) => `${file}:${instruction.line}`,
  };
  return [
    baseImageRules,
    copyRules,
    sourceMapRules,
    installRules,
    buildCheckRules,
    commandRules,
    dockerignoreRules,
  ].flatMap((rules) => rules(recipe));
}

export function checkDockerfiles(root, apps) {
  const violations = apps.flatMap((app) => inspectDockerfile(root, app));
  return { name: 'dockerfiles', detail: apps.map((app) => `docker/${app}.Dockerfile`).join(', '), violations };
}
