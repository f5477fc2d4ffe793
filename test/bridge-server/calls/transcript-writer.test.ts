import { TranscriptWriter } from '../../../bridge-server/src/calls/transcript-writer';
import type { NewTranscriptEntry } from '../../../bridge-server/src/store/call-store';
import { capturingLogger } from '../../support/log-capture';

const entry = (text: string): NewTranscriptEntry => ({ speaker: 'agent', text, startMs: 0, endMs: 1 });

describe('TranscriptWriter', () => {
  it('stores entries one after another in the order they were added, even when an earlier write is slower', async () => {
    const stored: string[] = [];
    const delays = [30, 0, 10];
    const writer = new TranscriptWriter({
      addTranscript: async ([e]) => {
        await new Promise((resolve) => setTimeout(resolve, delays.shift()));
        stored.push(e.text);
      },
      interim: () => undefined,
      log: capturingLogger().log,
    });
    for (const text of ['one', 'two', 'three']) writer.add(entry(text));
    await writer.flushed();
    expect(stored).toEqual(['one', 'two', 'three']);
  });

  it('logs a failed write and goes on with the next one, never throwing into the audio path', async () => {
    const capture = capturingLogger();
    const stored: string[] = [];
    const writer = new TranscriptWriter({
      addTranscript: async ([e]) => {
        if (e.text === 'bad') throw new Error('store down');
        stored.push(e.text);
      },
      interim: () => undefined,
      log: capture.log,
    });
    writer.add(entry('bad'));
    writer.add(entry('good'));
    writer.add(undefined);
    await expect(writer.flushed()).resolves.toBeUndefined();
    expect(stored).toEqual(['good']);
    expect(capture.lines.some((line) => line.msg === 'could not store a transcript entry')).toBe(true);
  });
});
