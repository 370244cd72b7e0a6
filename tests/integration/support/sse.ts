/** One parsed Server-Sent Events frame: a comment-only frame has `comments` and no event. */
export type SseFrame = { event?: string; id?: string; data?: string; retry?: string; comments: string[] };

/** Reads frames from an SSE body as they arrive; next() waits for one with a deadline. */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  ended = false;

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  /** The next frame, or null when the stream ended; throws after timeoutMs. */
  async next(timeoutMs = 10_000): Promise<SseFrame | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const text = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return parseFrame(text);
      }
      if (this.ended) return null;
      this.pending ??= this.reader.read();
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        this.pending,
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, left)))),
      ]);
      clearTimeout(timer);
      if (result === 'timeout') throw new Error(`no SSE frame within ${timeoutMs} ms (buffered: ${JSON.stringify(this.buffer)})`);
      this.pending = null;
      if (result.done) this.ended = true;
      else this.buffer += this.decoder.decode(result.value, { stream: true });
    }
  }

  /** The next frame carrying an event (comments skipped). */
  async nextEvent(timeoutMs = 10_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now()));
      if (frame === null) throw new Error('the stream ended');
      if (frame.event !== undefined || frame.data !== undefined) return frame;
    }
  }

  async cancel(): Promise<void> {
    await this.reader.cancel().catch(() => {});
  }
}

function parseFrame(text: string): SseFrame {
  const frame: SseFrame = { comments: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) frame.comments.push(line.slice(1).trim());
    else {
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event' || field === 'id' || field === 'retry') frame[field] = value;
      else if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    }
  }
  return frame;
}
