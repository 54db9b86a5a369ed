/**
 * What a lib is, and which kinds of lib it may import (docs/architecture.md, "Libs and their kinds").
 * The projects check requires exactly one kind per lib; .dependency-cruiser.cjs turns the directions
 * into rules, reading each lib's kind from its project.json, so a retagged or new lib is covered.
 */
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const LIB_KINDS = {
  'kind:feature': {
    is: 'a use case with its ports and their local/gcp adapters',
    mayImport: ['kind:feature', 'kind:data-access', 'kind:domain', 'kind:util'],
  },
  'kind:data-access': {
    is: 'one store or service reached (warehouse tables and connections, staging, messaging, locks, Google clients)',
    mayImport: ['kind:data-access', 'kind:domain', 'kind:util'],
  },
  'kind:domain': {
    is: 'pure definitions (schemas, the feature vector): no I/O',
    mayImport: ['kind:domain'],
  },
  'kind:util': {
    is: 'a technical building block that knows no use case or store (configuration, logging, files, the service runtime)',
    mayImport: ['kind:util', 'kind:domain'],
  },
  'kind:testing': {
    is: 'a stand-in for a cloud service or a fixture, for tests only',
    mayImport: ['kind:testing', 'kind:util', 'kind:domain'],
  },
};

/** Each lib folder's kind tag, from libs/<lib>/project.json (libs without one are the projects check's to report). */
function libKinds(root) {
  const kinds = new Map();
  for (const lib of readdirSync(join(root, 'libs'))) {
    const file = join(root, 'libs', lib, 'project.json');
    if (!existsSync(file)) continue;
    const tags = JSON.parse(readFileSync(file, 'utf8')).tags ?? [];
    const kind = tags.find((tag) => tag in LIB_KINDS);
    if (kind) kinds.set(lib, kind);
  }
  return kinds;
}

module.exports = { LIB_KINDS, libKinds };
