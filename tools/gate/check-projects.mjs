import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import libKindRules from './lib-kinds.cjs';
import { violation } from './violation.mjs';
import { listProjects } from './workspace.mjs';

/** What a lib is (tools/gate/lib-kinds.cjs): a feature, data access, the domain, a utility, or support for tests. */
const LIB_KINDS = Object.keys(libKindRules.LIB_KINDS);

/** The command a project's target runs: its own, else nx.json's targetDefaults with {projectRoot} filled in. */
function targetCommand(project, target, targetDefaults) {
  const own = project.config.targets?.[target];
  if (own === undefined) return undefined;
  const command = own.command ?? own.options?.command ?? targetDefaults[target]?.options?.command;
  return command?.replaceAll('{projectRoot}', project.root);
}

/** Every project is named after its folder, tagged with its type (and a lib with its kind), and has a public entry. */
export function checkProjects(root) {
  const violations = [];
  const targetDefaults = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')).targetDefaults ?? {};
  const projects = listProjects(root);
  const paths = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions?.paths ?? {};
  for (const project of projects) {
    const tags = project.config.tags ?? [];
    const expectedTag = project.kind === 'apps' ? 'type:app' : 'type:lib';
    if (project.config.name !== project.folder) {
      violations.push(
        violation(
          'project-shape',
          project.file,
          `name "${project.config.name}" differs from its folder "${project.folder}"`,
          `set "name": "${project.folder}"`,
        ),
      );
    }
    if (!tags.includes(expectedTag)) {
      violations.push(
        violation('project-shape', project.file, `missing the tag ${expectedTag}`, `add "${expectedTag}" to "tags"`),
      );
    }
    const entry = project.kind === 'apps' ? 'src/main.ts' : 'src/index.ts';
    if (!existsSync(join(root, project.root, entry))) {
      violations.push(
        violation(
          'project-shape',
          `${project.root}/${entry}`,
          'the project has no entry file',
          `create ${project.root}/${entry}`,
        ),
      );
    }
    // A test target that selects no file passes with nothing run (`vitest run --dir X` did exactly that).
    const test = targetCommand(project, 'test', targetDefaults);
    if (test !== undefined && !new RegExp(`\\bvitest run ${project.root}/(\\s|$)`).test(test)) {
      violations.push(
        violation(
          'project-shape',
          project.file,
          `its test target "${test}" does not select the project's own test files`,
          `"command": "vitest run ${project.root}/ --passWithNoTests"`,
        ),
      );
    }
    if (project.kind === 'libs' && tags.filter((tag) => LIB_KINDS.includes(tag)).length !== 1) {
      violations.push(
        violation(
          'project-shape',
          project.file,
          `a lib carries exactly one of the tags ${LIB_KINDS.join(', ')}`,
          'add the one that says what the lib is',
        ),
      );
    }
    if (project.kind === 'libs') {
      const alias = `@props/${project.folder}`;
      const target = `./libs/${project.folder}/src/index.ts`;
      if (JSON.stringify(paths[alias]) !== JSON.stringify([target])) {
        violations.push(
          violation(
            'project-shape',
            'tsconfig.base.json',
            `the lib ${project.folder} has no path alias ${alias} → ${target}`,
            `add "${alias}": ["${target}"] to compilerOptions.paths`,
          ),
        );
      }
    }
  }
  return { name: 'projects', detail: `${projects.length} projects`, violations };
}
