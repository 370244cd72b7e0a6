/** Event ids are UUIDs (the store refuses any other); anything else in `/events/<id>` or `/payments/<id>` is a bad address. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseEventId(segment: string): { ok: true; value: string } | { ok: false; message: string } {
  if (!UUID.test(segment)) {
    const shown = segment.length > 60 ? `${segment.slice(0, 59)}…` : segment;
    return { ok: false, message: `“${shown}” is not an event id: event ids are UUIDs, like 3f2b8c1e-4d5a-4b6c-9d7e-8f9a0b1c2d3e.` };
  }
  return { ok: true, value: segment.toLowerCase() };
}
