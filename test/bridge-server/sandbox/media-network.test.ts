import { MediaNetwork } from '../../../bridge-server/src/sandbox/media-network';

describe('MediaNetwork: the sandbox carrier’s media as a real network delivers it', () => {
  it('sends frames in bursts, and loses the frames that fall in a gap', () => {
    const sent: string[] = [];
    const network = new MediaNetwork({ burstFrames: 3, gapEvery: 10, gapFrames: 2 }, (m) => sent.push(m));
    const delivered = Array.from({ length: 10 }, (_, tick) => network.media(tick, `f${tick}`));
    expect(delivered).toEqual([true, true, true, true, true, true, true, true, false, false]);
    expect(sent).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5']);
    expect(network.dropped).toBe(2);
  });

  it('keeps other messages behind the media queued before them', () => {
    const sent: string[] = [];
    const network = new MediaNetwork({ burstFrames: 5, gapEvery: 0, gapFrames: 0 }, (m) => sent.push(m));
    network.media(0, 'f0');
    network.media(1, 'f1');
    network.other('mark');
    expect(sent).toEqual(['f0', 'f1', 'mark']);
  });
});
