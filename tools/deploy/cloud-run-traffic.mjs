#!/usr/bin/env node
// Reads `gcloud run services describe --format=json` on stdin and prints one field of its traffic:
//   serving-revision  the revision that takes the most traffic (the one to roll back to)
//   tag-url TAG       the URL of the revision tagged TAG
// Old commit tags stay on the service at 0%, so the serving revision is not necessarily the first entry.
import { readFileSync } from 'node:fs';

/** @typedef {{ revisionName?: string, percent?: number, tag?: string, url?: string }} TrafficTarget */

const [query, tag] = process.argv.slice(2);
if (query !== 'serving-revision' && !(query === 'tag-url' && tag)) {
  process.stderr.write('usage: cloud-run-traffic.mjs serving-revision | tag-url TAG  (service JSON on stdin)\n');
  process.exit(2);
}
/** @type {TrafficTarget[]} */
let traffic;
try {
  traffic = JSON.parse(readFileSync(0, 'utf8')).status?.traffic ?? [];
} catch (error) {
  process.stderr.write(`cloud-run-traffic: the service description is not JSON (${String(error)})\n`);
  process.exit(1);
}
if (query === 'serving-revision') {
  const serving = traffic
    .filter((target) => target.revisionName && (target.percent ?? 0) > 0)
    .sort((a, b) => (b.percent ?? 0) - (a.percent ?? 0))[0];
  process.stdout.write(serving?.revisionName ?? '');
} else {
  process.stdout.write(traffic.find((target) => target.tag === tag)?.url ?? '');
}
