import { ACCOUNT_NUMBER_PATTERN } from '@/lib/domain/account-number';
import { loadTimeTravel } from '@/lib/time-travel/load';
import { parsePointNumber } from '@/lib/time-travel/params';

// Reads the store and the read model on every request.
export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ number: string }> };

const answer = (status: number, body: unknown) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

/**
 * GET /api/accounts/<n>/time-travel?point=<k>: the account page's time-travel view of point k
 * (the latest without ?point), as JSON: what the control fetches when JavaScript moves it.
 * 400 for a malformed point, 404 for an unknown account or a point past the end.
 */
export async function GET(request: Request, { params }: Context) {
  const { number } = await params;
  if (!ACCOUNT_NUMBER_PATTERN.test(number)) return answer(404, { error: `There is no account ${number.slice(0, 40)}.` });
  const values = new URL(request.url).searchParams.getAll('point');
  const parsed = parsePointNumber(values.length > 1 ? values : values[0]);
  if (!parsed.ok) return answer(400, { error: parsed.reason });
  let result;
  try {
    result = await loadTimeTravel(number, parsed.value === undefined ? { by: 'latest' } : { by: 'number', number: parsed.value });
  } catch (error) {
    console.error(`[time-travel] account ${number} point ${parsed.value ?? 'latest'}:`, error);
    return answer(503, { error: 'The event store or the database did not answer; try again in a moment.' });
  }
  if (result.kind === 'not_found') return answer(404, { error: `There is no account ${number}.` });
  if (result.kind === 'no_such_point') {
    return answer(404, { error: `Account ${number} has ${result.total} points; point ${parsed.value} does not exist (yet).` });
  }
  return answer(200, result.view);
}
