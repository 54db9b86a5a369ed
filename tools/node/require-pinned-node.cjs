// Stops a command run under another Node than .node-version with one line saying how to get it.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const pinned = readFileSync(path.join(__dirname, '..', '..', '.node-version'), 'utf8').trim();
if (process.versions.node !== pinned) {
  process.stderr.write(
    `this project runs on Node ${pinned} (.node-version); this is ${process.version}. ` +
      `Run \`. tools/node/activate\` (it installs Node ${pinned} from the npm registry when needed), then the command again.\n`,
  );
  process.exit(1);
}
