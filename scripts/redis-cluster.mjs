// `npm run test:cluster`: starts a real three-master Redis Cluster from the machine's
// redis-server (ports of its own, --cluster-enabled yes, redis-cli --cluster create), runs the
// suites that prove delivery, waiters, idempotency, pacing, inbound routing, the history archive and several
// instances against it (TEST_REDIS_CLUSTER_NODES), then stops the servers it started, by PID.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SUITES = [
  'test/bridge-server/delivery/delivery-durability.test.ts',
  'test/bridge-server/delivery/subscriptions-and-waiters.test.ts',
  'test/bridge-server/http/call-routes.test.ts',
  'test/bridge-server/calls/dial-pacing.test.ts',
  'test/bridge-server/calls/inbound-calls.test.ts',
  'test/security/drain.test.ts',
  'test/scale/load-balanced-instances.test.ts',
  'test/bridge-server/history/event-archiver.test.ts',
  'test/bridge-server/history/call-history.test.ts',
];

function portFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken) {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 9000);
    if (!taken.includes(port) && (await portFree(port)) && (await portFree(port + 10000))) return port;
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'vb-cluster-'));
  const ports = [];
  for (let i = 0; i < 3; i++) ports.push(await clusterPort(ports));
  const servers = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = () => {
    for (const server of servers) if (server.exitCode === null) server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports)
      for (
        let i = 0;
        spawnSync('redis-cli', ['-p', String(port), 'ping'])
          .stdout?.toString()
          .trim() !== 'PONG';
        i++
      ) {
        if (i > 100) throw new Error(`redis-server on ${port} did not start`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    const create = spawnSync('redis-cli', [
      '--cluster',
      'create',
      ...nodes,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (let i = 0; ; i++) {
      const states = ports.map((port) =>
        spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info']).stdout.toString(),
      );
      if (states.every((info) => info.includes('cluster_state:ok'))) break;
      if (i > 200) throw new Error('the cluster did not reach cluster_state:ok');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.stdout.write(`Redis Cluster of 3 masters on ${nodes.join(', ')}\n`);
    const jest = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', '--runInBand', ...SUITES], {
      stdio: 'inherit',
      env: { ...process.env, TEST_REDIS_CLUSTER_NODES: nodes.join(',') },
    });
    process.exitCode = jest.status ?? 1;
  } finally {
    stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
