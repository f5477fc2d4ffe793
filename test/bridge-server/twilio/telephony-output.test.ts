import { TelephonyOutput, type MediaSink } from '../../../bridge-server/src/twilio/telephony-output';

/** A sink that keeps every message as parsed JSON, and counts corked batches. */
function recordingSink(): MediaSink & { messages: Record<string, any>[]; batches: number } {
  const sink = {
    messages: [] as Record<string, any>[],
    batches: 0,
    send: (message: string | Buffer) => sink.messages.push(JSON.parse(message.toString())),
    batch: (run: () => void) => {
      sink.batches++;
      run();
    },
  };
  return sink;
}

/** `ms` of a 440 Hz tone as base64 PCM16 LE at 24 kHz. */
function tone24k(ms: number): string {
  const samples = new Int16Array((24000 * ms) / 1000);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 24000));
  return Buffer.from(samples.buffer).toString('base64');
}

describe('TelephonyOutput: what the phone plays', () => {
  let now = 0;
  const clock = () => now;

  beforeEach(() => {
    now = 0;
  });

  it('turns agent audio into 20 ms μ-law media messages for its stream, with a mark after each chunk once 200 ms are due, in one write per chunk', () => {
    const sink = recordingSink();
    const output = new TelephonyOutput(sink, 'MZ1', clock);
    output.play(tone24k(500));
    const media = sink.messages.filter((m) => m.event === 'media');
    expect(media.length).toBeGreaterThanOrEqual(24);
    expect(media.every((m) => m.streamSid === 'MZ1' && Buffer.from(m.media.payload, 'base64').length === 160)).toBe(
      true,
    );
    expect(sink.messages.filter((m) => m.event === 'mark').map((m) => m.mark.name)).toEqual([`0:${media.length}`]);
    expect(sink.batches).toBe(1);
    output.play(tone24k(100));
    expect(sink.messages.filter((m) => m.event === 'mark')).toHaveLength(1);
    expect(sink.batches).toBe(2);
  });

  it('ends a turn with what the filter still holds and a mark after it', () => {
    const sink = recordingSink();
    const output = new TelephonyOutput(sink, 'MZ1', clock);
    output.play(tone24k(100));
    const before = sink.messages.filter((m) => m.event === 'media').length;
    output.endTurn();
    const after = sink.messages.filter((m) => m.event === 'media').length;
    expect(after).toBeGreaterThan(before);
    expect(sink.messages.at(-1)).toMatchObject({ event: 'mark', mark: { name: `0:${after}` } });
  });

  it('knows what was heard by the marks Twilio echoes, and drains when the last one is back', () => {
    const output = new TelephonyOutput(recordingSink(), 'MZ1', clock);
    output.play(tone24k(100));
    output.endTurn();
    expect(output.playback.drained).toBe(false);
    const sent = output.playback.framesSent;
    now = 120;
    expect(output.markEchoed(`0:${sent}`)).toBe(true);
    expect(output.playback).toMatchObject({ framesPlayed: sent, lastPlayedMs: 120, drained: true });
  });

  it('clear sends Twilio a clear, reports how much of the cut turn was heard, and ignores the old turn’s marks after', () => {
    const sink = recordingSink();
    const output = new TelephonyOutput(sink, 'MZ1', clock);
    output.play(tone24k(500));
    now = 200;
    output.markEchoed('0:10');
    now = 250;
    expect(output.clear()).toEqual({ framesPlayed: 10, lastPlayedMs: 200 });
    expect(sink.messages.at(-1)).toEqual({ event: 'clear', streamSid: 'MZ1' });
    expect(output.markEchoed('0:20')).toBe(false);
    expect(output.playback).toMatchObject({ framesSent: 0, framesPlayed: 0 });
  });

  it('plays ready-made frames (the apology) and tells when each frame will start playing', () => {
    const starts: number[] = [];
    const sink = recordingSink();
    const output = new TelephonyOutput(sink, 'MZ1', clock, (at) => starts.push(at));
    output.playFrames([Buffer.alloc(160, 0xff), Buffer.alloc(100), Buffer.alloc(160, 0xff)]);
    expect(sink.messages.map((m) => m.event)).toEqual(['media', 'media', 'mark']);
    expect(starts).toEqual([0, 20]);
  });
});
