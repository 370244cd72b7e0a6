import { describe, expect, it } from 'vitest';
import { inSchema } from './rebuild-schema';

describe('inSchema', () => {
  it('moves an index definition to another schema, name and body unchanged', () => {
    expect(
      inSchema(
        'CREATE INDEX event_index_search_idx ON readmodel.event_index USING gin (search_text gin_trgm_ops) WITH (fastupdate=false)',
        'readmodel',
        'readmodel_next',
      ),
    ).toBe(
      'CREATE INDEX event_index_search_idx ON "readmodel_next".event_index USING gin (search_text gin_trgm_ops) WITH (fastupdate=false)',
    );
    expect(inSchema('CREATE UNIQUE INDEX a_idx ON ONLY "readModel".t USING btree (x)', 'readModel', 'b')).toBe(
      'CREATE UNIQUE INDEX a_idx ON ONLY "b".t USING btree (x)',
    );
  });

  it('refuses a definition on another schema rather than build it in the wrong place', () => {
    expect(() => inSchema('CREATE INDEX a ON other.t USING btree (x)', 'readmodel', 'next')).toThrow(/unexpected index definition/);
    expect(() => inSchema('CREATE INDEX a ON t USING btree (x)', 'readmodel', 'next')).toThrow(/unexpected index definition/);
  });
});
