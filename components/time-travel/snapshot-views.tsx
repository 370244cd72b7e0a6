import type { FieldChange } from '@/lib/time-travel/diff';
import { SNAPSHOT_FIELDS, type SnapshotValues } from '@/lib/time-travel/fields';
import { FIELD_LABELS, formatField } from './point-text';

/** An account's state at one point: holder, balance and counts. */
export function StateList({ values, label }: { values: SnapshotValues; label: string }) {
  return (
    <dl aria-label={label} className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm sm:grid-cols-3" data-testid="time-travel-state">
      {SNAPSHOT_FIELDS.map((field) => (
        <div key={field} className={field === 'holderName' ? 'col-span-2 min-w-0 sm:col-span-3' : 'min-w-0'} data-field={field}>
          <dt className="text-xs text-slate-500">{FIELD_LABELS[field]}</dt>
          <dd className={`font-medium wrap-anywhere ${field === 'holderName' ? '' : 'tabular'}`}>{formatField(field, values[field])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Field-level changes between two points, old → new; says so when nothing changed. */
export function ChangeTable({
  changes,
  caption,
  empty,
  testId,
}: {
  changes: FieldChange[];
  caption: string;
  empty: string;
  testId: string;
}) {
  return (
    <div data-testid={testId}>
      {changes.length === 0 ? (
        <>
          <p className="text-sm font-semibold">{caption}</p>
          <p className="text-sm text-slate-600">{empty}</p>
        </>
      ) : (
        <table className="w-full table-fixed text-left text-sm">
          <caption className="mb-1 text-left font-semibold">{caption}</caption>
          <thead>
            <tr className="text-xs text-slate-500">
              <th scope="col" className="w-[34%] py-1 pr-2 font-medium">
                Field
              </th>
              <th scope="col" className="py-1 pr-2 font-medium">
                Was
              </th>
              <th scope="col" className="py-1 font-medium">
                Became
              </th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.field} className="border-t border-slate-100 align-top" data-field={change.field}>
                <th scope="row" className="py-1 pr-2 font-medium">
                  {FIELD_LABELS[change.field]}
                </th>
                <td className="py-1 pr-2 text-slate-600 tabular wrap-anywhere">
                  <span className="sr-only">was </span>
                  {formatField(change.field, change.from)}
                </td>
                <td className="py-1 font-medium tabular wrap-anywhere">
                  <span aria-hidden="true" className="text-slate-400">
                    →{' '}
                  </span>
                  <span className="sr-only">became </span>
                  {formatField(change.field, change.to)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** The changes as one sentence, for a live region: "Balance $10.00 → $15.00; Deposits 0 → 1". */
export function describeChanges(changes: FieldChange[]): string {
  if (changes.length === 0) return 'nothing changed';
  return changes.map((c) => `${FIELD_LABELS[c.field]} ${formatField(c.field, c.from)} → ${formatField(c.field, c.to)}`).join('; ');
}
