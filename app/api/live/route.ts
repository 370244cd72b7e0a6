import { getDb } from '@/lib/db/client';
import { liveFeedFor } from '@/lib/live/feed';
import { SSE_HEADERS, openLiveStream, parseLiveParams } from '@/lib/live/sse';

// A stream per request, never cached or prerendered.
export const dynamic = 'force-dynamic';

/**
 * Server-Sent Events for live views: `?account=<number>` to follow one account (its events and
 * payments to it), `?since=<position>` (or the Last-Event-ID header a reconnecting browser
 * sends) to be sent what was missed. See lib/live/protocol.ts for what it writes.
 */
export async function GET(request: Request): Promise<Response> {
  const parsed = parseLiveParams(new URL(request.url), request.headers);
  if (!parsed.ok) {
    return new Response(`${parsed.message}\n`, { status: 400, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  const stream = await openLiveStream(liveFeedFor(getDb()), parsed.params, { signal: request.signal });
  return new Response(stream, { headers: SSE_HEADERS });
}
