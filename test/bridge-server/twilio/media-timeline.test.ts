import { MediaTimeline } from '../../../bridge-server/src/twilio/media-timeline';

describe('MediaTimeline: keeping a track time-true', () => {
  it('finds nothing missing in frames that come in order, however bunched their arrival', () => {
    const timeline = new MediaTimeline();
    expect([0, 20, 40, 60, 80].map((ts) => timeline.missingBefore(ts, 160))).toEqual([0, 0, 0, 0, 0]);
  });

  it('counts the 20 ms frames a gap left out', () => {
    const timeline = new MediaTimeline();
    timeline.missingBefore(0, 160);
    timeline.missingBefore(20, 160);
    expect(timeline.missingBefore(100, 160)).toBe(3);
    expect(timeline.missingBefore(120, 160)).toBe(0);
  });

  it('ignores a repeated or earlier timestamp, and does not fill a pause longer than 5 s', () => {
    const timeline = new MediaTimeline();
    timeline.missingBefore(1000, 160);
    expect(timeline.missingBefore(1000, 160)).toBe(0);
    expect(timeline.missingBefore(980, 160)).toBe(0);
    expect(timeline.missingBefore(20_000, 160)).toBe(0);
  });
});
