// Integration tests start real bridge processes from the compiled server: build it once first.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = function globalSetup() {
  const root = join(__dirname, '..', '..');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'bridge-server', 'tsconfig.json')], { stdio: 'inherit' });
};
