import { describe, expect, it, vi } from 'vitest';
import { StreamQueue } from './stream-queue';

function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const FAR = () => Date.now() + 60_000;

describe('StreamQueue', () => {
  it('runs the work queued on one key one at a time, in arrival order', async () => {
    const queue = new StreamQueue();
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      queue.run(
        'a',
        FAR(),
        async () => {
          running += 1;
          most = Math.max(most, running);
          order.push(`start ${i}`);
          await gate.promise;
          order.push(`end ${i}`);
          running -= 1;
          return i;
        },
        () => -1,
      ),
    );
    // Opened in reverse: each still waits for the one before it.
    gates[2]!.resolve();
    gates[1]!.resolve();
    gates[0]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(order).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(most).toBe(1);
    await vi.waitFor(() => expect(queue.busy).toBe(0));
  });

  it('does not hold one key up behind another', async () => {
    const queue = new StreamQueue();
    const blocked = deferred();
    const slow = queue.run(
      'a',
      FAR(),
      () => blocked.promise.then(() => 'a'),
      () => 'timeout',
    );
    expect(
      await queue.run(
        'b',
        FAR(),
        () => Promise.resolve('b'),
        () => 'timeout',
      ),
    ).toBe('b');
    blocked.resolve();
    expect(await slow).toBe('a');
  });

  it('answers onTimeout without running the work when the wait outlasts the deadline, and keeps the order for the rest', async () => {
    const queue = new StreamQueue();
    const blocked = deferred();
    const events: string[] = [];
    const first = queue.run(
      'a',
      FAR(),
      () => blocked.promise.then(() => events.push('first')),
      () => 0,
    );
    let ranLate = false;
    const late = await queue.run(
      'a',
      Date.now() + 20,
      async () => {
        ranLate = true;
        return 'ran';
      },
      () => 'gave up',
    );
    expect(late).toBe('gave up');
    expect(ranLate).toBe(false);
    // A third still waits for the first, although the second gave up before it finished.
    const third = queue.run(
      'a',
      FAR(),
      async () => events.push('third'),
      () => 0,
    );
    blocked.resolve();
    await Promise.all([first, third]);
    expect(events).toEqual(['first', 'third']);
  });

  it('gives up at once when the deadline has already passed and someone is ahead', async () => {
    const queue = new StreamQueue();
    const blocked = deferred();
    const first = queue.run(
      'a',
      FAR(),
      () => blocked.promise,
      () => undefined,
    );
    const lateRun = () =>
      queue.run(
        'a',
        Date.now() - 1,
        async () => 'ran',
        () => 'gave up',
      );
    expect(await lateRun()).toBe('gave up');
    // Nobody ahead: the work runs whatever the deadline (it is the work's to respect).
    blocked.resolve();
    await first;
    expect(await lateRun()).toBe('ran');
  });
});
