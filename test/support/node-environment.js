// Jest's node environment, plus one thing Node itself has: undici's global dispatcher. Node's fetch
// sets it on the outer realm's globalThis; the Gemini SDK looks for it on the realm it runs in
// (jest's sandbox), so it is handed over here, as it would be found in a plain Node process.
const { TestEnvironment } = require('jest-environment-node');

const DISPATCHER = Symbol.for('undici.globalDispatcher.1');

class NodeEnvironmentWithFetchDispatcher extends TestEnvironment {
  async setup() {
    await super.setup();
    if (!globalThis[DISPATCHER]) new Headers(); // Node creates its dispatcher lazily
    this.global[DISPATCHER] = globalThis[DISPATCHER];
  }
}

module.exports = NodeEnvironmentWithFetchDispatcher;
