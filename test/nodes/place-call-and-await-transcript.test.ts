import type { INode, INodeParameters } from 'n8n-workflow';
import { humanScript } from '../../bridge-server/src/sandbox/callee-script';
import { N8nHarness, PACKAGE_NAME } from '../support/n8n-harness';
import { startTestBridge, type TestBridge } from '../support/sandbox-bridge';
import { until } from '../support/webhook-receiver';

const API_KEY = 'n8n-test-key-0123456789';

function placeCallNode(parameters: Record<string, unknown>): INode {
  return {
    id: 'node-place',
    name: 'Place Call',
    type: `${PACKAGE_NAME}.placeCall`,
    typeVersion: 1,
    position: [0, 0],
    parameters: parameters as INodeParameters,
    credentials: { voiceBridgeApi: { id: '1', name: 'Voice Bridge' } },
  };
}

function awaitNode(parameters: Record<string, unknown> = {}): INode {
  return {
    id: 'node-await',
    name: 'Await Transcript',
    type: `${PACKAGE_NAME}.awaitTranscript`,
    typeVersion: 1,
    position: [200, 0],
    parameters: { callIds: '={{ $json.id }}', timeLimit: 1, timeLimitUnit: 'hours', ...parameters } as INodeParameters,
    credentials: { voiceBridgeApi: { id: '1', name: 'Voice Bridge' } },
    webhookId: 'await-webhook',
  };
}

const CONNECTIONS = { 'Place Call': { main: [[{ node: 'Await Transcript', type: 'main' as const, index: 0 }]] } };

describe('Place Call -> Await Transcript, run by n8n-core WorkflowExecute against a sandbox bridge', () => {
  let bridge: TestBridge;
  let n8n: N8nHarness;

  beforeAll(async () => {
    bridge = await startTestBridge({ BRIDGE_API_KEY: API_KEY });
    n8n = await N8nHarness.start({ voiceBridgeApi: { baseUrl: bridge.url, apiKey: API_KEY, webhookSecret: '' } });
  });

  afterAll(async () => {
    await n8n.close();
    await bridge.close();
  });

  it("waits after placing the call, and the bridge's delivery to the resume URL resumes it with the transcript", async () => {
    bridge.sandbox.carrier!.scripts.set('+15559990001', humanScript());
    const workflow = n8n.workflow(
      [
        placeCallNode({
          mode: 'agent',
          to: '+15559990001',
          prompt: 'You confirm appointments.',
          greeting: 'Hi, this is Ava from Bright Dental.',
          voice: 'Kore',
          options: { metadata: '{"crmId":"lead-7"}' },
        }),
        awaitNode(),
      ],
      CONNECTIONS,
    );
    const execution = await n8n.run(workflow);
    expect(n8n.status(execution)).toBe('waiting');
    const placed = n8n.output(execution, 'Place Call')[0];
    expect(placed).toMatchObject({
      id: expect.stringMatching(/^call_/),
      status: 'queued',
      metadata: { crmId: 'lead-7' },
    });

    await until(() => n8n.status(execution) === 'success', 60_000, 'the execution to resume');
    const [result] = n8n.output(execution, 'Await Transcript');
    expect(result).toMatchObject({
      id: placed.id,
      status: 'completed',
      endReason: 'agent-hangup',
      timedOut: false,
      metadata: { crmId: 'lead-7' },
    });
    expect((result.transcript as unknown[]).length).toBe(5);
    expect(result.transcriptText).toMatch(
      /^Agent: Hi, this is Ava from Bright Dental\.\nCallee: Hi, yes, this is Sam speaking\.\nAgent: /,
    );
  });

  it('resumes after n8n answered 409 "running already" to a delivery that came before it was saved as waiting', async () => {
    const workflow = n8n.workflow(
      [placeCallNode({ mode: 'agent', to: '+15559990002', prompt: 'p' }), awaitNode()],
      CONNECTIONS,
    );
    const execution = await n8n.run(workflow);
    // A busy line ends at once: the waiter delivers while the execution may still be running.
    await until(() => n8n.status(execution) === 'success', 30_000, 'the execution to resume');
    expect(n8n.output(execution, 'Await Transcript')[0]).toMatchObject({
      status: 'busy',
      endReason: 'busy',
      timedOut: false,
    });
  });

  it('gives timedOut: true items at the time limit, never a silent pass-through', async () => {
    bridge.sandbox.carrier!.scripts.set('+15559990003', humanScript({ ringMs: 120_000 }));
    const workflow = n8n.workflow(
      [
        placeCallNode({ mode: 'agent', to: '+15559990003', prompt: 'p' }),
        awaitNode({ timeLimit: 2, timeLimitUnit: 'seconds' }),
      ],
      CONNECTIONS,
    );
    const execution = await n8n.run(workflow);
    await until(() => n8n.status(execution) === 'success', 30_000, 'the execution to resume at the time limit');
    const [result] = n8n.output(execution, 'Await Transcript');
    expect(result).toMatchObject({ timedOut: true, status: 'ringing', endReason: null });
    await bridge.api(`/v1/calls/${result.id}/hangup`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
  });

  it('outputs a call that has already ended without waiting at all', async () => {
    const placed = await bridge.placeCall({ to: '+15559990002', mode: 'agent', agent: { prompt: 'p' } });
    await bridge.waitForEnd(placed.id);
    await new Promise((resolve) => setTimeout(resolve, 5200));
    const workflow = n8n.workflow([awaitNode({ callIds: placed.id })], {});
    const execution = await n8n.run(workflow);
    expect(n8n.status(execution)).toBe('success');
    expect(n8n.output(execution, 'Await Transcript')[0]).toMatchObject({
      id: placed.id,
      status: 'busy',
      timedOut: false,
    });
  });

  it('sends an Idempotency-Key per execution and item, so a retried node does not dial twice', async () => {
    bridge.sandbox.carrier!.scripts.set('+15559990004', humanScript({ ringMs: 60_000 }));
    const carrier = bridge.sandbox.carrier!;
    const node = placeCallNode({ mode: 'agent', to: '={{ $json.to }}', prompt: 'p' });
    const workflow = n8n.workflow([node], {});
    const before = carrier.calls.size;
    const first = await n8n.run(workflow, [{ json: { to: '+15559990004' } }, { json: { to: '+15559990004' } }]);
    const retried = await n8n.runAgain(first);
    const ids = n8n.output(first, 'Place Call').map((c) => c.id);
    expect(new Set(ids).size).toBe(2);
    expect(n8n.output(retried, 'Place Call').map((c) => c.id)).toEqual(ids);
    expect(carrier.calls.size).toBe(before + 2);
    for (const id of ids)
      await bridge.api(`/v1/calls/${id}/hangup`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}` } });
  });

  it("fails with the bridge's own message, and continueOnFail turns it into an error item", async () => {
    const bad = n8n.workflow([placeCallNode({ mode: 'agent', to: '555-1234', prompt: 'p' })], {});
    const failed = await n8n.run(bad);
    expect(n8n.status(failed)).toBe('error');
    expect(failed.runs.at(-1)!.data.resultData.error?.message).toContain('to must be an E.164 phone number');
    const lenient = n8n.workflow(
      [{ ...placeCallNode({ mode: 'agent', to: '555-1234', prompt: 'p' }), continueOnFail: true }],
      {},
    );
    const run = await n8n.run(lenient);
    expect(n8n.status(run)).toBe('success');
    expect(n8n.output(run, 'Place Call')[0].error).toContain('E.164');
  });

  it('names the bridge URL when the bridge cannot be reached', async () => {
    const offline = await N8nHarness.start({ voiceBridgeApi: { baseUrl: 'http://127.0.0.1:9', apiKey: API_KEY } });
    try {
      const run = await offline.run(
        offline.workflow([placeCallNode({ mode: 'agent', to: '+15559990005', prompt: 'p' })], {}),
      );
      expect(run.runs.at(-1)!.data.resultData.error?.message).toContain(
        'Could not reach the Voice Bridge at http://127.0.0.1:9',
      );
    } finally {
      await offline.close();
    }
  });

  it('sends the registered tools, ad-hoc tools (signed with the credential’s key), a warm transfer and the keypad', async () => {
    const registered = await bridge.api('/v1/tools/lookup_order', {
      method: 'PUT',
      headers: { authorization: `Bearer ${API_KEY}` },
      json: { description: 'Looks up an order.', url: 'http://127.0.0.1:9/tool' },
    });
    expect(registered.status).toBe(200);
    const workflow = n8n.workflow(
      [
        placeCallNode({
          mode: 'agent',
          to: '+15559990077',
          prompt: 'You help customers.',
          registeredTools: ['lookup_order'],
          agentActions: {
            tools: JSON.stringify([
              { name: 'book_slot', description: 'Books a slot.', url: 'http://127.0.0.1:9/book' },
            ]),
            pressKeys: true,
            transferTo: '+15559990078',
            transferMode: 'warm',
            transferAnnounce: 'Connecting you to a colleague.',
          },
        }),
      ],
      {},
    );
    const execution = await n8n.run(workflow);
    expect(n8n.status(execution)).toBe('success');
    const placed = n8n.output(execution, 'Place Call')[0] as { id: string };
    const settings = await bridge.api(`/v1/calls/${placed.id}/settings`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(settings.body.agent).toMatchObject({
      registeredTools: ['lookup_order'],
      pressKeys: true,
      transfer: { to: '+15559990078', mode: 'warm', announce: 'Connecting you to a colleague.' },
    });
    expect(settings.body.agent.tools.map((tool: { name: string }) => tool.name)).toEqual(['book_slot', 'lookup_order']);
    // Secrets are kept with the call, never shown.
    expect(JSON.stringify(settings.body)).not.toContain(API_KEY);
    expect(JSON.stringify(settings.body)).not.toContain('secret');
  });

  it('sends Post-Call Analysis fields as a JSON Schema, and Await Transcript outputs them typed as asked', async () => {
    bridge.sandbox.carrier!.scripts.set('+15559990088', humanScript());
    const workflow = n8n.workflow(
      [
        placeCallNode({
          mode: 'agent',
          to: '+15559990088',
          prompt: 'You confirm appointments.',
          analysis: {
            summary: true,
            fields: {
              field: [
                {
                  name: 'confirmed',
                  type: 'boolean',
                  description: 'whether the time works for the callee',
                  required: true,
                },
                {
                  name: 'callerTurns',
                  type: 'integer',
                  description: 'how many times the callee spoke',
                  required: true,
                },
                {
                  name: 'mood',
                  type: 'options',
                  options: 'happy, unsure, upset',
                  description: 'how the callee sounded',
                },
                { name: 'note', type: 'string', description: 'anything the callee asked for', required: false },
              ],
            },
            prompt: 'Keep the summary short.',
          },
        }),
        awaitNode(),
      ],
      CONNECTIONS,
    );
    const execution = await n8n.run(workflow);
    const placed = n8n.output(execution, 'Place Call')[0] as { id: string };
    const settings = await bridge.api(`/v1/calls/${placed.id}/settings`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(settings.body.analysis).toEqual({
      summary: true,
      fields: {
        type: 'object',
        properties: {
          confirmed: { type: 'boolean', description: 'whether the time works for the callee' },
          callerTurns: { type: 'integer', description: 'how many times the callee spoke' },
          mood: { type: 'string', enum: ['happy', 'unsure', 'upset'], description: 'how the callee sounded' },
          note: { type: 'string', description: 'anything the callee asked for' },
        },
        required: ['confirmed', 'callerTurns', 'mood'],
      },
      prompt: 'Keep the summary short.',
    });
    await until(() => n8n.status(execution) === 'success', 60_000, 'the execution to resume');
    const [result] = n8n.output(execution, 'Await Transcript') as {
      analysis: { summary: string; fields: Record<string, unknown> };
    }[];
    expect(typeof result.analysis.summary).toBe('string');
    expect(typeof result.analysis.fields.confirmed).toBe('boolean');
    expect(Number.isInteger(result.analysis.fields.callerTurns)).toBe(true);
    expect(['happy', 'unsure', 'upset']).toContain(result.analysis.fields.mood);
    expect(typeof result.analysis.fields.note).toBe('string');
  });

  it('refuses an analysis field with a name the schema cannot take, naming it', async () => {
    const workflow = n8n.workflow(
      [
        placeCallNode({
          mode: 'agent',
          to: '+15559990089',
          prompt: 'Hi.',
          analysis: { summary: false, fields: { field: [{ name: 'due date', type: 'string' }] } },
        }),
      ],
      {},
    );
    const execution = await n8n.run(workflow);
    expect(n8n.status(execution)).toBe('error');
    expect(JSON.stringify(execution.data.resultData.error)).toContain('Analysis field name \\"due date\\"');
  });

  it('with Download Recordings, outputs a recorded call’s audio as binary data (a two-channel WAV)', async () => {
    bridge.sandbox.carrier!.scripts.set('+15559990090', humanScript());
    const workflow = n8n.workflow(
      [
        placeCallNode({
          mode: 'agent',
          to: '+15559990090',
          prompt: 'You confirm appointments.',
          options: { record: true },
        }),
        awaitNode({ downloadRecordings: true }),
      ],
      CONNECTIONS,
    );
    const execution = await n8n.run(workflow);
    await until(() => n8n.status(execution) === 'success', 60_000, 'the execution to resume');
    const [item] = n8n.items(execution, 'Await Transcript');
    expect(item.json.recording).toMatchObject({ channels: 2, status: 'completed' });
    expect(item.binary?.recording).toMatchObject({ mimeType: 'audio/x-wav', fileName: `${String(item.json.id)}.wav` });
    const wav = Buffer.from(item.binary!.recording.data, 'base64');
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt16LE(22)).toBe(2);
  });
});
