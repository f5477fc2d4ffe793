#!/usr/bin/env node
// End to end in a real n8n: runs `npm run demo` exactly as a user does (n8n installed once into a
// cache, this package installed from its npm pack tarball, a sandbox bridge, the example
// workflows published), runs the curl it prints, and checks what users rely on. Prints
// "N passed, M failed" and exits non-zero on a failure.
import { execSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { http, nodeOutput, ROOT, until } from './n8n-local.mjs';

const BRIDGE_KEY = `e2e-${randomBytes(8).toString('hex')}`;

function log(message) {
  process.stdout.write(`[e2e] ${message}\n`);
}

/** The demo as its own process group; resolves to the state it prints when ready. */
function startDemo() {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'scripts', 'demo.mjs'),
      '--json',
      '--bridge-port',
      '0',
      '--n8n-port',
      '0',
      '--speed',
      '4',
      '--bridge-api-key',
      BRIDGE_KEY,
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const output = [];
  const ready = new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      output.push(line);
      if (line.startsWith('{"ready":true')) resolve(JSON.parse(line));
      else if (line.startsWith('[voice-bridge]')) log(line);
    });
    child.once('exit', (code) => reject(new Error(`the demo exited with ${code} before it was ready`)));
  });
  return { child, ready, output };
}

let demo;

async function main() {
  demo = startDemo();
  const state = await demo.ready;
  log(`demo ready: bridge ${state.bridgeUrl}, n8n ${state.n8nUrl}`);
  const publicApi = { 'X-N8N-API-KEY': state.n8nApiKey };
  const bridgeApi = { authorization: `Bearer ${BRIDGE_KEY}` };
  const executions = async (id) =>
    (await http(`${state.n8nUrl}/api/v1/executions?workflowId=${id}&includeData=true&limit=50`, { headers: publicApi }))
      .body.data ?? [];
  const results = [];
  async function check(name, body) {
    try {
      await body();
      results.push({ name, ok: true });
      log(`PASS ${name}`);
    } catch (error) {
      results.push({ name, ok: false });
      log(`FAIL ${name}: ${error.stack ?? error}`);
    }
  }

  const endedFlowId = state.workflows['call-ended-summary.json'];
  let endedSubscription;
  await check('the demo printed its n8n URL, login and the curl, and published the example workflows', async () => {
    const subscriptions = (await http(`${state.bridgeUrl}/v1/subscriptions`, { headers: bridgeApi })).body
      .subscriptions;
    endedSubscription = subscriptions.find((s) => s.url.includes('9a4f3b8e-1c2d-4e5f-8a9b-0c1d2e3f4a71'));
    if (!endedSubscription)
      throw new Error(`the Call Ended trigger registered no subscription: ${JSON.stringify(subscriptions)}`);
    const printed = demo.output.join('\n');
    for (const expected of [state.n8nUrl, 'owner@voice-bridge.test', state.curl, '/docs'])
      if (!printed.includes(expected)) throw new Error(`the demo did not print ${expected}`);
  });

  await check("the demo's curl completes an agent call whose CRM item appears in n8n's executions", async () => {
    const answer = execSync(state.curl, { encoding: 'utf8' });
    log(`curl answered: ${answer.slice(0, 120)}`);
    const done = await until(
      'the agent flow to finish',
      async () =>
        (await executions(state.workflows['agent-call-to-crm.json'])).find((e) => e.status === 'success' && e.finished),
      120_000,
      1000,
    );
    const [record] = nodeOutput(done, 'CRM Record');
    if (
      !record ||
      record.contactId !== 'crm-42' ||
      record.outcome !== 'completed' ||
      !String(record.callNotes).startsWith('Agent: ')
    )
      throw new Error(`unexpected CRM record ${JSON.stringify(record)}`);
    // Place Call's Post-Call Analysis fields, typed as the node asked, from what the callee said.
    if (
      typeof record.summary !== 'string' ||
      !record.summary.includes('"') ||
      typeof record.timeStillWorks !== 'boolean' ||
      !Number.isInteger(record.callerTurns) ||
      !['positive', 'neutral', 'negative'].includes(record.sentiment)
    )
      throw new Error(`the analysis fields are missing or mistyped: ${JSON.stringify(record)}`);
    log(`CRM record: ${JSON.stringify(record).slice(0, 400)}`);
  });

  await check('Call Ended fires with a signed delivery and builds the summary', async () => {
    const fired = await until(
      'the trigger to fire',
      async () => (await executions(endedFlowId)).find((e) => e.status === 'success'),
      60_000,
      1000,
    );
    const [summary] = nodeOutput(fired, 'Summary');
    if (!summary || !/^AI call to \+15551230000: completed/.test(summary.headline))
      throw new Error(`unexpected summary ${JSON.stringify(summary)}`);
  });

  await check('a forged delivery to the trigger is refused with 401', async () => {
    const body = JSON.stringify({
      id: 'evt_forged',
      type: 'call.ended',
      createdAt: new Date().toISOString(),
      call: { id: 'call_forged', status: 'completed', mode: 'agent', transcript: [] },
    });
    const response = await fetch(endedSubscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-voice-bridge-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
      body,
    });
    if (response.status !== 401) throw new Error(`forged delivery got ${response.status}`);
  });

  await check('a transcribed rep-lead call resumes with both sides of the conversation', async () => {
    await http(`${state.n8nUrl}/webhook/voice-bridge/rep-call`, {
      method: 'POST',
      json: { leadPhone: '+15551230000', repPhone: '+15559870000', dealId: 'deal-9' },
    });
    const done = await until(
      'the rep-lead flow to finish',
      async () =>
        (await executions(state.workflows['transcribe-rep-lead-call.json'])).find(
          (e) => e.status === 'success' && e.finished,
        ),
      120_000,
      1000,
    );
    const [activity] = nodeOutput(done, 'Deal Activity');
    if (!activity || activity.dealId !== 'deal-9' || !activity.repSaid || !activity.leadSaid)
      throw new Error(`unexpected deal activity ${JSON.stringify(activity)}`);
  });

  const toolFlowId = state.workflows['agent-tool-order-lookup.json'];
  await check('a published Voice Agent Tool workflow registers its tool, and Place Call lists it by name', async () => {
    const { tools } = (await http(`${state.bridgeUrl}/v1/tools`, { headers: bridgeApi })).body;
    const tool = tools.find((t) => t.name === 'lookup_order');
    if (!tool || !tool.url.includes('/webhook/') || tool.secret)
      throw new Error(`the tool is not registered as expected: ${JSON.stringify(tools)}`);
    // What the editor asks for to fill Place Call's Registered Tools list.
    const options = await http(`${state.n8nUrl}/rest/dynamic-node-parameters/options`, {
      method: 'POST',
      headers: state.session,
      json: {
        nodeTypeAndVersion: { name: 'n8n-nodes-voice-bridge.placeCall', version: 1 },
        path: 'registeredTools',
        methodName: 'getRegisteredTools',
        currentNodeParameters: { mode: 'agent', to: '+15551230000', prompt: 'Hi' },
        credentials: { voiceBridgeApi: { id: state.credentialId, name: 'Voice Bridge' } },
      },
    });
    const listed = (options.body?.data ?? []).map((option) => option.name);
    if (!listed.includes('lookup_order'))
      throw new Error(`Place Call did not list the tool: ${options.status} ${JSON.stringify(options.body)}`);
  });

  await check(
    "agent calls use the tool mid-call through n8n: its answer is in the agent's next words (round trip reported)",
    async () => {
      // Four calls at a time, five rounds: the sandbox runs calls 4x faster than real time (so a
      // simulated callee waits only a quarter of a real pause), while n8n's time is real.
      const CALLS = 20;
      const AT_ONCE = 4;
      const placeAndEnd = async (i) => {
        const response = await http(`${state.bridgeUrl}/v1/calls`, {
          method: 'POST',
          headers: bridgeApi,
          json: {
            to: `+1555124${String(1000 + i)}`,
            mode: 'agent',
            agent: { prompt: 'You help customers with their orders.', registeredTools: ['lookup_order'] },
          },
        });
        if (response.status !== 201)
          throw new Error(`placing a call failed: ${response.status} ${JSON.stringify(response.body)}`);
        const id = response.body.id;
        return until(
          `call ${id} to end`,
          async () => {
            const call = (await http(`${state.bridgeUrl}/v1/calls/${id}`, { headers: bridgeApi })).body;
            return call.endedAt && call.status === 'completed' ? call : undefined;
          },
          120_000,
          500,
        );
      };
      const ended = [];
      for (let round = 0; round < CALLS / AT_ONCE; round++)
        ended.push(...(await Promise.all(Array.from({ length: AT_ONCE }, (_, i) => placeAndEnd(round * AT_ONCE + i)))));
      const durations = ended
        .flatMap((call) => call.transcript.filter((e) => e.kind === 'tool').map((e) => e.tool.durationMs))
        .sort((a, b) => a - b);
      log(`tool round trips (ms): ${durations.join(', ')}`);
      for (const call of ended) {
        const entry = call.transcript.find((e) => e.kind === 'tool');
        if (!entry || entry.tool.name !== 'lookup_order' || entry.tool.result?.status !== 'shipped')
          throw new Error(`no tool result in ${JSON.stringify(call.transcript)}`);
        const said = call.transcript
          .filter((e) => e.speaker === 'agent' && e.kind !== 'tool')
          .map((e) => e.text)
          .join(' ');
        if (!said.includes('Order A-1001 has shipped and arrives on Thursday'))
          throw new Error(`the agent did not say the tool's answer: ${said}`);
      }
      const at = (q) => durations[Math.min(durations.length - 1, Math.ceil(q * durations.length) - 1)];
      const runs = (await executions(toolFlowId)).filter((e) => e.status === 'success');
      if (runs.length < CALLS) throw new Error(`n8n ran the tool workflow ${runs.length} times, not ${CALLS}`);
      log(
        `tool round trip bridge -> n8n webhook -> reply -> functionResponse, ${CALLS} calls, ${AT_ONCE} at a time: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, min ${durations[0]} ms, max ${durations.at(-1)} ms`,
      );
      process.stdout.write(
        `${JSON.stringify({ toolRoundTripMs: { calls: CALLS, atOnce: AT_ONCE, p50: at(0.5), p99: at(0.99), min: durations[0], max: durations.at(-1) } })}\n`,
      );
    },
  );

  await check(
    'a published Incoming Call workflow answers incoming calls with a per-caller prompt, and the same execution resumes from Await Transcript into a CRM item',
    async () => {
      const flowId = state.workflows['inbound-receptionist.json'];
      const { routes } = (await http(`${state.bridgeUrl}/v1/inbound-routes`, { headers: bridgeApi })).body;
      if (!routes.some((route) => route.numbers.length === 0 && route.url.includes('/webhook/')))
        throw new Error(`the Incoming Call trigger registered no route: ${JSON.stringify(routes)}`);
      const caller = '+15550107777';
      const receptionistRun = async (expectedPrompt) => {
        const rang = await http(`${state.bridgeUrl}/v1/sandbox/incoming`, {
          method: 'POST',
          headers: bridgeApi,
          json: { from: caller, callerName: 'Sam Lee' },
        });
        if (rang.status !== 201 || rang.body.direction !== 'inbound')
          throw new Error(`the incoming call was not taken: ${rang.status} ${JSON.stringify(rang.body)}`);
        const callId = rang.body.id;
        const settings = (await http(`${state.bridgeUrl}/v1/calls/${callId}/settings`, { headers: bridgeApi })).body;
        if (!settings.agent?.prompt?.includes(expectedPrompt) || settings.agent.tools?.[0]?.name !== 'book_appointment')
          throw new Error(`the workflow's handling was not used: ${JSON.stringify(settings.agent)}`);
        const done = await until(
          `the receptionist execution for ${callId} to finish`,
          async () =>
            (await executions(flowId)).find(
              (e) => e.status === 'success' && nodeOutput(e, 'CRM Record')[0]?.callId === callId,
            ),
          120_000,
          1000,
        );
        const [record] = nodeOutput(done, 'CRM Record');
        if (
          record.caller !== caller ||
          record.direction !== 'inbound' ||
          record.outcome !== 'completed' ||
          record.booked !== true ||
          !String(record.callNotes).includes('book a cleaning')
        )
          throw new Error(`unexpected CRM record ${JSON.stringify(record)}`);
        if (!nodeOutput(done, 'Incoming Call')[0]?.callId)
          throw new Error('the execution did not start at Incoming Call');
        return record;
      };
      const first = await receptionistRun('This is a new caller.');
      const second = await receptionistRun('has called 1 time(s) before');
      if (first.returningCaller !== false || second.returningCaller !== true)
        throw new Error(`returning caller not recognised: ${first.returningCaller}, ${second.returningCaller}`);
      log(`inbound CRM record: ${JSON.stringify(second).slice(0, 300)}`);
      // The bridge's own measure, from Twilio's webhook arriving to its TwiML answer through n8n.
      const metrics = (await http(`${state.bridgeUrl}/metrics`)).body;
      const read = (what) =>
        Number(
          new RegExp(`voicebridge_inbound_routing_seconds_${what}\\{source="route"\\} ([\\d.e-]+)`).exec(metrics)?.[1],
        );
      log(
        `inbound routing through n8n (webhook to TwiML): ${read('count')} calls, mean ${Math.round((read('sum') / read('count')) * 1000)} ms`,
      );
    },
  );

  await check('unpublishing the Voice Agent Tool workflow removes its tool from the bridge', async () => {
    const response = await http(`${state.n8nUrl}/api/v1/workflows/${toolFlowId}/deactivate`, {
      method: 'POST',
      headers: publicApi,
    });
    if (response.status >= 300) throw new Error(`unpublishing failed: ${response.status}`);
    await until(
      'the tool to go',
      async () =>
        !(await http(`${state.bridgeUrl}/v1/tools`, { headers: bridgeApi })).body.tools.some(
          (t) => t.name === 'lookup_order',
        ),
      30_000,
    );
  });

  await check('Call Ended unregisters its subscription when unpublished', async () => {
    const response = await http(`${state.n8nUrl}/api/v1/workflows/${endedFlowId}/deactivate`, {
      method: 'POST',
      headers: publicApi,
    });
    if (response.status >= 300) throw new Error(`unpublishing failed: ${response.status}`);
    await until(
      'the subscription to go',
      async () =>
        (await http(`${state.bridgeUrl}/v1/subscriptions/${endedSubscription.id}`, { headers: bridgeApi })).status ===
        404,
      30_000,
    );
  });

  await check('Ctrl-C stops the demo and everything it started', async () => {
    const exited = new Promise((resolve) => demo.child.once('exit', resolve));
    process.kill(demo.child.pid, 'SIGINT');
    await Promise.race([
      exited,
      new Promise((_, reject) => setTimeout(() => reject(new Error('the demo did not exit within 30 s')), 30_000)),
    ]);
    for (const url of [`${state.bridgeUrl}/healthz`, `${state.n8nUrl}/healthz`]) {
      await until(
        `${url} to stop answering`,
        async () =>
          await fetch(url).then(
            () => false,
            () => true,
          ),
        20_000,
      );
    }
  });

  const passed = results.filter((r) => r.ok).length;
  process.stdout.write(`\ne2e: ${passed} passed, ${results.length - passed} failed\n`);
  return passed === results.length;
}

/** Whatever happened, nothing the demo started outlives the test. */
function killDemo() {
  if (!demo || demo.child.exitCode !== null || demo.child.signalCode !== null) return;
  process.kill(demo.child.pid, 'SIGINT');
  setTimeout(() => {
    try {
      process.kill(-demo.child.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }, 20_000).unref();
}

main().then(
  (ok) => {
    killDemo();
    process.exitCode = ok ? 0 : 1;
  },
  (error) => {
    process.stderr.write(`[e2e] ${error.stack ?? error}\n`);
    killDemo();
    process.exitCode = 1;
  },
);
