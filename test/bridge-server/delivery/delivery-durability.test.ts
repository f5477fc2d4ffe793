import { testRedis } from '../../support/test-redis';
import { BridgeProcess } from '../../support/bridge-process';
import { cleanRedis, testPrefix } from '../../support/sandbox-bridge';
import { until, WebhookReceiver } from '../../support/webhook-receiver';

/**
 * At-least-once delivery proven with real bridge processes sharing a real Redis: a receiver that
 * is down, a bridge killed with SIGKILL in mid-delivery, and two instances sharing the work.
 */
describe('delivery durability (real bridge processes, real Redis)', () => {
  let prefix: string;
  let receiver: WebhookReceiver;
  const processes: BridgeProcess[] = [];

  function bridge(name: string, env: Record<string, string> = {}): BridgeProcess {
    const process = new BridgeProcess(name, {
      REDIS_KEY_PREFIX: prefix,
      SANDBOX_SPEED: '10',
      DELIVERY_LEASE_SEC: '2',
      ...env,
    });
    processes.push(process);
    return process;
  }

  /** Busy calls end in a few hundred ms and emit ringing, busy and ended: three events each. */
  async function placeBusyCalls(on: BridgeProcess, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { status, body } = await on.api('/v1/calls', {
        method: 'POST',
        json: { to: '+15557770002', mode: 'agent', agent: { prompt: 'p' } },
      });
      if (status !== 201) throw new Error(`place call: ${status} ${JSON.stringify(body)}`);
      ids.push(body.id);
    }
    return ids;
  }

  /** Every event id in the events stream: what happened, and so what must arrive. */
  async function recordedEventIds(): Promise<Set<string>> {
    const redis = testRedis();
    try {
      const entries = await redis.xrange(`${prefix}events`, '-', '+');
      return new Set(
        entries
          .map(([, fields]) => JSON.parse(fields[1]) as { id: string; type: string })
          .filter((e) => e.type.startsWith('call.'))
          .map((e) => e.id),
      );
    } finally {
      redis.disconnect();
    }
  }

  async function allArrived(): Promise<boolean> {
    const expected = await recordedEventIds();
    const got = receiver.uniqueIds();
    return expected.size > 0 && [...expected].every((id) => got.has(id));
  }

  beforeEach(async () => {
    prefix = testPrefix();
    receiver = new WebhookReceiver();
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    await receiver.stop();
    await cleanRedis(prefix);
  });

  it('delivers every event, at least once, after the receiver refused connections and then answered 503 for a while', async () => {
    await receiver.reservePort();
    const a = bridge('down-receiver');
    await a.start();
    await a.api('/v1/subscriptions', {
      method: 'POST',
      json: { url: receiver.url, events: ['call.status', 'call.ended'] },
    });
    await placeBusyCalls(a, 10);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // connection refused meanwhile
    let failing = true;
    receiver.behaviour = () => (failing ? 503 : 200);
    await receiver.start();
    await new Promise((resolve) => setTimeout(resolve, 2500)); // 503 meanwhile
    failing = false;
    await until(allArrived, 40_000, 'every recorded event to arrive');
    expect((await recordedEventIds()).size).toBe(30);
  }, 60_000);

  it('loses nothing when the bridge is killed with SIGKILL mid-delivery and started again', async () => {
    await receiver.start();
    receiver.behaviour = async () => {
      await new Promise((resolve) => setTimeout(resolve, 150)); // slow receiver: deliveries in flight
      return 200;
    };
    const first = bridge('killed');
    await first.start();
    await first.api('/v1/subscriptions', {
      method: 'POST',
      json: { url: receiver.url, events: ['call.status', 'call.ended'] },
    });
    await placeBusyCalls(first, 15);
    await until(() => receiver.received.length >= 5, 20_000, 'some deliveries');
    await first.kill();
    const recorded = await recordedEventIds();
    expect(receiver.uniqueIds().size).toBeLessThan(recorded.size);
    const second = bridge('restarted');
    await second.start();
    await until(allArrived, 40_000, 'every recorded event to arrive after the restart');
  }, 60_000);

  it('shares the work between two instances and delivers each event once per subscriber (0 duplicates)', async () => {
    await receiver.start();
    const other = new WebhookReceiver();
    await other.start();
    try {
      const a = bridge('instance-a');
      const b = bridge('instance-b');
      await Promise.all([a.start(), b.start()]);
      await a.api('/v1/subscriptions', {
        method: 'POST',
        json: { url: receiver.url, events: ['call.status', 'call.ended'] },
      });
      await b.api('/v1/subscriptions', { method: 'POST', json: { url: other.url, events: ['call.ended'] } });
      await Promise.all([placeBusyCalls(a, 15), placeBusyCalls(b, 15)]);
      await until(allArrived, 30_000, 'every event at the first subscriber');
      await until(() => other.received.length >= 30, 30_000, 'every call.ended at the second subscriber');
      await new Promise((resolve) => setTimeout(resolve, 3000)); // longer than the lease: no late duplicates either
      expect(receiver.received.length).toBe(90);
      expect(receiver.duplicates()).toBe(0);
      expect(other.received.length).toBe(30);
      expect(other.duplicates()).toBe(0);
    } finally {
      await other.stop();
    }
  }, 60_000);
});
