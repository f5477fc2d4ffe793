import { PlaybackTracker, MARK_EVERY_FRAMES } from '../../../bridge-server/src/twilio/playback-tracker';

describe('PlaybackTracker', () => {
  it('counts frames as played only when Twilio echoes the mark after them', () => {
    const playback = new PlaybackTracker();
    expect(playback.frameSent(100)).toBe(100);
    expect(playback.frameSent(100)).toBe(120);
    const mark = playback.nextMark();
    expect(playback.drained).toBe(false);
    expect(playback.markEchoed(mark, 150)).toBe(true);
    expect(playback.framesPlayed).toBe(2);
    expect(playback.drained).toBe(true);
    expect(playback.lastPlayedMs).toBe(150);
  });

  it('ignores marks Twilio returns for audio a barge-in cleared', () => {
    const playback = new PlaybackTracker();
    playback.frameSent(0);
    const stale = playback.nextMark();
    playback.newTurn(10, true);
    expect(playback.markEchoed(stale, 20)).toBe(false);
    expect(playback.framesPlayed).toBe(0);
  });

  it('schedules a new turn right away once everything before it has been heard', () => {
    const playback = new PlaybackTracker();
    for (let i = 0; i < 50; i++) playback.frameSent(0);
    playback.markEchoed(playback.nextMark(), 400);
    playback.newTurn(400, false);
    expect(playback.frameSent(450)).toBe(450);
  });

  it('asks for a mark only after 200 ms of audio since the last one', () => {
    const playback = new PlaybackTracker();
    for (let i = 1; i < MARK_EVERY_FRAMES; i++) playback.frameSent(0);
    expect(playback.markDue).toBe(false);
    playback.frameSent(0);
    expect(playback.markDue).toBe(true);
    playback.nextMark();
    expect(playback.markDue).toBe(false);
    playback.newTurn(0, true);
    for (let i = 0; i < MARK_EVERY_FRAMES; i++) playback.frameSent(0);
    expect(playback.markDue).toBe(true);
  });
});
