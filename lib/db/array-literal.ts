/**
 * Values as one PostgreSQL array literal, to send as a single text parameter and cast in SQL
 * (`${arrayLiteral(numbers)}::text[]`). A JS array would need postgres.js's array serializers,
 * which it only installs from the type catalog query that createDb turns off (see client.ts).
 * Every element is quoted, so commas, braces, spaces and the word NULL stay plain text.
 */
export function arrayLiteral(values: readonly (string | null)[]): string {
  return `{${values.map((value) => (value === null ? 'NULL' : `"${value.replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;
}
