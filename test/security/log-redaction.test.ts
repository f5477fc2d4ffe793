import WebSocket from 'ws';
import { maskPhoneNumbers, redactUrl } from '../../bridge-server/src/shared/log-redaction';
import { humanScript } from '../../bridge-server/src/sandbox/callee-script';
import { signTwilioRequest } from '../../bridge-server/src/twilio/twilio-signature';
import { capturingLogger } from '../support/log-capture';
import { agentCall, startTestBridge, type TestBridge } from '../support/sandbox-bridge';
import { until, WebhookReceiver } from '../support/webhook-receiver';

describe('logs carry no secrets, key presses or full phone numbers', () => {
  let t: TestBridge;
  let captured: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    captured = capturingLogger();
    t = await startTestBridge({}, { log: captured.log });
  });

  afterAll(async () => {
    await t.close();
  });

  it('masks phone numbers inside any text, keeping the country code and last four digits', () => {
    expect(
      maskPhoneNumbers('Twilio refused the call: The number +15551230000 is unverified (Twilio error 21608).'),
    ).toBe('Twilio refused the call: The number +1555•••0000 is unverified (Twilio error 21608).');
    expect(maskPhoneNumbers('dialled 4915112345678 then +441632960961')).toBe('dialled 4915•••5678 then +4416•••0961');
    const line = capturingLogger();
    line.log.warn({ err: new Error('Invalid To +15557654321'), to: '+15557654321' }, 'calling +15557654321 failed');
    expect(line.text()).not.toContain('5557654321');
    expect(line.text()).toContain('+1555•••4321');
  });

  it('masks numbers in the fields a database driver adds to its errors (detail, where), not only the message', () => {
    const { log, text } = capturingLogger('warn');
    const error = Object.assign(new Error('insert failed for +15551234567'), {
      code: '22007',
      detail: 'Failing row contains (call_1, +15551234567, +15557650000).',
    });
    log.warn({ err: error }, 'archiving events failed');
    expect(text()).not.toMatch(/15551234567|15557650000/);
    expect(text()).toContain('+1555•••4567');
    expect(text()).toContain('22007');
  });

  it('removes credentials and query strings from URLs', () => {
    expect(redactUrl('https://user:secret@n8n.example.com/webhook-waiting/12?signature=abc')).toBe(
      'https://n8n.example.com/webhook-waiting/12?…',
    );
  });

  it('logs that a key was pressed, never which, and never the numbers of a call', async () => {
    t.sandbox.carrier!.scripts.set(
      '+15558881234',
      humanScript({
        digits: [
          { digit: '7', atMs: 400 },
          { digit: '3', atMs: 600 },
        ],
      }),
    );
    const placed = await t.placeCall(agentCall('+15558881234', { from: '+15557776543' }));
    await t.waitForEnd(placed.id, 30_000);
    const pressed = captured.lines.filter((line) => line.msg === 'keypad key pressed');
    expect(pressed).toHaveLength(2);
    expect(pressed.every((line) => !('digit' in line))).toBe(true);
    expect(captured.text()).not.toMatch(/5558881234|5557776543/);
  });

  it("logs a dead-lettered delivery without the URL's credentials or query", async () => {
    const receiver = new WebhookReceiver();
    receiver.behaviour = () => 400;
    await receiver.start();
    const url = receiver.url.replace('http://', 'http://hookuser:hookpass@') + '?token=supersecret';
    await t.api('/v1/subscriptions', { method: 'POST', json: { url, events: ['call.status'] } });
    await t.placeCall(agentCall('+15551230000'));
    await until(
      () => captured.lines.some((line) => line.msg === 'delivery refused; dead-lettered'),
      20_000,
      'a dead letter',
    );
    expect(captured.text()).not.toMatch(/hookpass|supersecret|hookuser/);
    await receiver.stop();
  });

  it('logs a flood of bad media frames in a few lines, with a count', async () => {
    const url = `${t.url.replace('http', 'ws')}/twilio/media`;
    const ws = new WebSocket(url, {
      headers: { 'X-Twilio-Signature': signTwilioRequest(t.sandbox.carrier!.authToken, url, {}) },
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const before = captured.lines.length;
    for (let i = 0; i < 10_000; i++) ws.send(i % 2 ? '{not json' : '{"event":"media","media":{"payload":"***"}}');
    ws.close();
    await until(
      () => captured.lines.some((line) => line.msg === 'more of the same warnings, not logged one by one'),
      10_000,
      'the summary line',
    );
    const added = captured.lines.slice(before);
    expect(added.length).toBeLessThanOrEqual(5);
    const summary = added.find((line) => line.msg === 'more of the same warnings, not logged one by one') as {
      suppressed: Record<string, number>;
    };
    expect(Object.values(summary.suppressed).reduce((a, b) => a + b, 0)).toBe(9_998);
  });
});
