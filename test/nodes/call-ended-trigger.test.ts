import type { INode, INodeParameters } from 'n8n-workflow';
import { signatureHeader } from '../../bridge-server/src/delivery/webhook-signature';
import { humanScript } from '../../bridge-server/src/sandbox/callee-script';
import { N8nHarness, PACKAGE_NAME } from '../support/n8n-harness';
import { startTestBridge, type TestBridge } from '../support/sandbox-bridge';
import { until } from '../support/webhook-receiver';

const API_KEY = 'n8n-trigger-key-0123456789';

function triggerNode(parameters: Record<string, unknown> = {}): INode {
  return {
    id: 'node-trigger',
    name: 'Call Ended',
    type: `${PACKAGE_NAME}.callEndedTrigger`,
    typeVersion: 1,
    position: [0, 0],
    parameters: {
      statuses: ['completed', 'busy', 'no-answer', 'failed', 'canceled'],
      modes: ['agent', 'transcribe'],
      ...parameters,
    } as INodeParameters,
    credentials: { voiceBridgeApi: { id: '1', name: 'Voice Bridge' } },
    webhookId: 'f2b1c0de-0000-4000-8000-000000000001',
  };
}

describe('Call Ended trigger, registered and fired through n8n-core against a sandbox bridge', () => {
  let bridge: TestBridge;
  let n8n: N8nHarness;
  const auth = { authorization: `Bearer ${API_KEY}` };

  beforeAll(async () => {
    bridge = await startTestBridge({ BRIDGE_API_KEY: API_KEY });
    n8n = await N8nHarness.start({ voiceBridgeApi: { baseUrl: bridge.url, apiKey: API_KEY } });
  });

  afterAll(async () => {
    await n8n.close();
    await bridge.close();
  });

  it('registers a subscription on publish (checkExists, then create), fires on a signed call.ended, and unregisters on unpublish', async () => {
    const node = triggerNode();
    const workflow = n8n.workflow([node], {});
    expect(await n8n.checkExists(workflow, node)).toBe(false);
    await n8n.publish(workflow, node);
    const registration = workflow.staticData.node_Call_Ended ?? Object.values(workflow.staticData)[0];
    expect(registration).toMatchObject({
      subscriptionId: expect.stringMatching(/^sub_/),
      secret: expect.stringMatching(/^whsec_/),
    });
    const subscription = (
      await bridge.api(`/v1/subscriptions/${(registration as { subscriptionId: string }).subscriptionId}`, {
        headers: auth,
      })
    ).body;
    expect(subscription).toMatchObject({ events: ['call.ended'], url: expect.stringContaining('/webhook/') });
    expect(await n8n.checkExists(workflow, node)).toBe(true);

    bridge.sandbox.carrier!.scripts.set('+15558880001', humanScript());
    const call = await bridge.placeCall({
      to: '+15558880001',
      mode: 'agent',
      agent: { prompt: 'p', greeting: 'Hello there.' },
    });
    await until(() => n8n.firedRuns(workflow, node).length === 1, 40_000, 'the trigger to fire');
    const fired = n8n.firedRuns(workflow, node)[0];
    const output = fired.data.resultData.runData['Call Ended'][0].data!.main[0]![0].json;
    expect(output).toMatchObject({
      id: call.id,
      status: 'completed',
      endReason: 'agent-hangup',
      eventId: expect.stringMatching(/^evt_/),
    });
    expect(String(output.transcriptText)).toMatch(/^Agent: Hello there\.\nCallee: /);

    await n8n.unpublish(workflow, node);
    expect(
      (
        await bridge.api(`/v1/subscriptions/${(registration as { subscriptionId: string }).subscriptionId}`, {
          headers: auth,
        })
      ).status,
    ).toBe(404);
    expect(await n8n.checkExists(workflow, node)).toBe(false);
  });

  it('answers 401 to a forged delivery and starts nothing', async () => {
    const node = triggerNode();
    const workflow = n8n.workflow([node], {});
    await n8n.publish(workflow, node);
    const { url } = (await bridge.api('/v1/subscriptions', { headers: auth })).body.subscriptions.at(-1);
    const body = JSON.stringify({
      id: 'evt_forged',
      type: 'call.ended',
      createdAt: new Date().toISOString(),
      call: { id: 'call_x', status: 'completed', mode: 'agent', transcript: [] },
    });
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-voice-bridge-signature': signatureHeader('whsec_wrong', body) },
      body,
    });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(n8n.firedRuns(workflow, node)).toHaveLength(0);
    await n8n.unpublish(workflow, node);
  });

  it('filters by status and mode: a busy call does not start a workflow that wants completed calls', async () => {
    const node = triggerNode({ statuses: ['completed'] });
    const workflow = n8n.workflow([node], {});
    await n8n.publish(workflow, node);
    const busy = await bridge.placeCall({ to: '+15558880002', mode: 'agent', agent: { prompt: 'p' } });
    await bridge.waitForEnd(busy.id);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(n8n.firedRuns(workflow, node)).toHaveLength(0);
    await n8n.unpublish(workflow, node);
  });
});
