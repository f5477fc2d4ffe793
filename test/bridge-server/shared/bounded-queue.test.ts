import { BoundedQueue } from '../../../bridge-server/src/shared/bounded-queue';

describe('BoundedQueue', () => {
  it('keeps the newest items up to its capacity, oldest first, and counts what it dropped', () => {
    const queue = new BoundedQueue<number>(3);
    for (let i = 1; i <= 5; i++) queue.push(i);
    expect(queue.length).toBe(3);
    expect(queue.dropped).toBe(2);
    expect(queue.drain()).toEqual([3, 4, 5]);
  });

  it('is empty with a zero drop count after draining', () => {
    const queue = new BoundedQueue<string>(1);
    queue.push('a');
    queue.push('b');
    queue.drain();
    expect(queue.length).toBe(0);
    expect(queue.dropped).toBe(0);
    expect(queue.drain()).toEqual([]);
  });
});
