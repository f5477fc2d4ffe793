import { MULAW_DECODE_TABLE } from '../audio/mulaw';
import type { IvrMenu } from './callee-script';
import { DtmfReceiver } from './dtmf-hearing';

/** The keys must all be in within this long of the menu starting. */
const KEY_TIMEOUT_MS = 15_000;

/**
 * A phone menu on the simulated line: says its menu, hears the keys pressed into the call (by
 * Goertzel, from the audio the phone played, as a real IVR's DTMF receiver does), and lets only
 * the right sequence through.
 */
export class SimulatedIvr {
  readonly receiver = new DtmfReceiver();
  private state: 'greeting' | 'listening' | 'passed' | 'refused' = 'greeting';
  private listeningSinceMs = 0;
  private readonly pcm = new Int16Array(160);

  constructor(private readonly menu: IvrMenu) {}

  /** One 20 ms μ-law frame the phone played (base64, as Twilio's media payloads are). */
  hear(payload: string): void {
    const mulaw = Buffer.from(payload, 'base64');
    for (let i = 0; i < this.pcm.length; i++) this.pcm[i] = i < mulaw.length ? MULAW_DECODE_TABLE[mulaw[i]] : 0;
    if (this.state === 'listening') this.receiver.hear(this.pcm);
  }

  /** The menu still answers the line (the right keys have not got past it). */
  get active(): boolean {
    return this.state !== 'passed';
  }

  /** It refused the keys and has said so: it hangs up. */
  get hangingUp(): boolean {
    return this.state === 'refused';
  }

  /** What the menu says now, at `elapsedMs`, when nothing is being said on its side. */
  step(elapsedMs: number): string | undefined {
    if (this.state === 'greeting') {
      this.state = 'listening';
      this.listeningSinceMs = elapsedMs;
      return this.menu.menu;
    }
    if (this.state !== 'listening') return undefined;
    const pressed = this.receiver.keys.join('');
    // A wrong key is refused at once; a right start that goes no further, once time is up.
    const wrong = !this.menu.keys.startsWith(pressed);
    const timedOut = elapsedMs - this.listeningSinceMs > KEY_TIMEOUT_MS;
    if (!wrong && pressed.length < this.menu.keys.length && !timedOut) return undefined;
    const right = pressed === this.menu.keys;
    this.state = right ? 'passed' : 'refused';
    return right ? this.menu.connected : this.menu.invalid;
  }
}
