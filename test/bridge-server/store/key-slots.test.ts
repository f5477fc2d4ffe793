import calculateSlot from 'cluster-key-slot';
import { hashTagOf, slotOf } from '../../../bridge-server/src/store/key-slots';
import { eventsStreamKey } from '../../../bridge-server/src/store/event-stream-keys';

describe('key slots (Redis Cluster hash tags)', () => {
  it('reads the hash tag as Redis does: the first {…} with something inside, else the whole key', () => {
    expect(hashTagOf('voicebridge:events')).toBe('voicebridge:events');
    expect(hashTagOf('voicebridge:call:{call_1}:transcript')).toBe('call_1');
    expect(hashTagOf('{vb}:events')).toBe('vb');
    expect(hashTagOf('a{}b{c}')).toBe('a{}b{c}');
    expect(hashTagOf('{{vb}:events')).toBe('{vb');
  });

  it('puts keys built on slotOf(key) in the same cluster slot as key, for every prefix the configuration accepts', () => {
    for (const prefix of ['voicebridge:', 'vbtest:abc:', '{tenant}:', 'app:{tenant}:']) {
      const stream = eventsStreamKey(prefix);
      expect(calculateSlot(`${slotOf(stream)}:outbox:jobs`)).toBe(calculateSlot(stream));
      expect(calculateSlot(`${slotOf(stream)}:waiters:deadlines`)).toBe(calculateSlot(stream));
    }
  });

  it('spreads calls over the slots: each call’s keys share one slot, and calls differ', () => {
    const slots = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const call = `voicebridge:call:{call_${i}}`;
      expect(calculateSlot(`${call}:transcript`)).toBe(calculateSlot(call));
      slots.add(calculateSlot(call));
    }
    expect(slots.size).toBeGreaterThan(40);
  });
});
