import type { CalleeScript } from './callee-script';
import { readDialInstruction, readSay, readStreamInstruction, type StreamInstruction } from './twiml-reader';

/** What became of a transfer the bridge asked for, for tests and the dashboard. */
export interface SimulatedTransfer {
  to: string;
  outcome: 'ringing' | 'connected' | 'no-answer' | 'busy' | 'failed';
  /** What the person heard before being connected (warm transfers). */
  whisper?: string;
}

/** The simulated call's side a transfer works through. */
export interface TransferHost {
  sid: string;
  accountSid: string;
  from: string;
  /** The script of whoever answers `to`. */
  scriptFor(to: string): CalleeScript;
  after(ms: number, action: () => void | Promise<void>): void;
  /** A signed POST to one of the bridge's URLs; resolves to its TwiML reply. */
  post(url: string, form: Record<string, string>): Promise<string>;
  openStream(instruction: StreamInstruction, script: CalleeScript): Promise<void>;
  /** What a `<Say>` told the person on the line. */
  heard(text: string): void;
  end(): Promise<void>;
}

/** How long a transferred person stays on the line with the caller (simulated ms). */
const CONNECTED_MS = 3000;

/**
 * A live call given new TwiML (Twilio's call update): a `<Dial><Number>` rings the person as
 * the sandbox scripts them. Answered: their `<Number url>` is fetched and its `<Say>` is what
 * they hear, then they are connected (and hang up a little later). Not answered: the dial's
 * action is told, and its TwiML (the agent's stream again) is carried out. TwiML without a dial
 * or a stream (a `<Say>` and `<Hangup>`) is heard, and the call ends.
 */
export async function carryOutRedirect(
  host: TransferHost,
  twiml: string,
  transfers: SimulatedTransfer[],
): Promise<void> {
  const dial = readDialInstruction(twiml);
  if (!dial) {
    const stream = readStreamInstruction(twiml);
    const said = readSay(twiml);
    if (stream) await host.openStream(stream, host.scriptFor(''));
    else {
      if (said !== undefined) host.heard(said);
      await host.end();
    }
    return;
  }
  const transfer: SimulatedTransfer = { to: dial.to, outcome: 'ringing' };
  transfers.push(transfer);
  const person = host.scriptFor(dial.to);
  const reached = person.outcome === 'answer' && person.ringMs <= dial.timeoutSec * 1000;
  const childSid = `CA${host.sid.slice(2, 10)}${'0'.repeat(24)}`;
  const dialForm = (status: string) => ({
    CallSid: host.sid,
    AccountSid: host.accountSid,
    DialCallStatus: status,
    DialCallSid: childSid,
  });
  // Nobody answering rings until the dial's timeout; busy and failed are known sooner.
  const ringsMs =
    reached || person.outcome !== 'no-answer'
      ? Math.min(person.ringMs, dial.timeoutSec * 1000)
      : dial.timeoutSec * 1000;
  host.after(ringsMs, async () => {
    if (!reached) {
      transfer.outcome = person.outcome === 'busy' ? 'busy' : person.outcome === 'failed' ? 'failed' : 'no-answer';
      const next = dial.action ? await host.post(dial.action, dialForm(transfer.outcome)) : '';
      const stream = readStreamInstruction(next);
      if (stream) await host.openStream(stream, afterTransfer(host.scriptFor('')));
      else await host.end();
      return;
    }
    if (dial.numberUrl) {
      const whisper = await host.post(dial.numberUrl, {
        CallSid: childSid,
        ParentCallSid: host.sid,
        AccountSid: host.accountSid,
        From: host.from,
        To: dial.to,
        CallStatus: 'in-progress',
        Direction: 'outbound-dial',
      });
      transfer.whisper = readSay(whisper);
    }
    transfer.outcome = 'connected';
    host.after(CONNECTED_MS, async () => {
      if (dial.action) await host.post(dial.action, dialForm('completed'));
      await host.end();
    });
  });
}

function afterTransfer(script: CalleeScript): CalleeScript {
  return {
    ...script,
    lines: (script.afterTransferLines ?? []).map((text) => ({ text })),
    digits: [],
    hangUpAfterMs: undefined,
  };
}
