// Run as its own process: starts a sandbox bridge from the compiled server, places one call of
// each mode, and prints every socket destination and DNS name the process asked for, and any
// process warning, as one JSON line. Nothing here is mocked; connections are only recorded.
const net = require('node:net');
const dns = require('node:dns');
const { join } = require('node:path');

const seen = { connections: [], lookups: [], warnings: [] };
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (options && typeof options === 'object') seen.connections.push(options.path ?? `${options.host}:${options.port}`);
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  seen.lookups.push(host);
  return lookup.call(this, host, ...rest);
};
process.on('warning', (warning) => seen.warnings.push(`${warning.name}: ${warning.message}`));

const dist = join(__dirname, '..', '..', 'bridge-server', 'dist');
const { createBridge } = require(join(dist, 'bridge.js'));
const { loadConfig } = require(join(dist, 'config', 'load-config.js'));
const { silentLogger } = require(join(dist, 'shared', 'logger.js'));
const { startSandbox } = require(join(dist, 'sandbox', 'start.js'));

async function main() {
  const env = JSON.parse(process.argv[2] ?? '{}');
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SANDBOX_SPEED: '8', ...env });
  const sandbox = await startSandbox(config, silentLogger());
  const bridge = await createBridge(config, silentLogger(), sandbox.services);
  const url = await bridge.listen();
  const calls = [
    { to: '+15551230000', mode: 'agent', agent: { prompt: 'You confirm appointments.' } },
    { to: '+15551230001', mode: 'transcribe', connectTo: '+15559870000' },
  ];
  for (const body of calls) {
    const placed = await (
      await fetch(`${url}/v1/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json();
    for (let i = 0; i < 300; i++) {
      const call = await (await fetch(`${url}/v1/calls/${placed.id}`)).json();
      if (call.endedAt) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await bridge.shutdown(0);
  await sandbox.close();
  process.stdout.write(`${JSON.stringify(seen)}\n`);
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
