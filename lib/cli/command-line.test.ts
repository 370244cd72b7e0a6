import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { integerOption, parseCommandLine, UsageError, validateOptions } from './command-line';

const options = { port: { type: 'string' }, mem: { type: 'boolean' } } as const;

describe('parseCommandLine', () => {
  it('parses known options and answers help for --help and -h', () => {
    const parsed = parseCommandLine(['--port', '2113', '--mem'], options);
    expect(parsed !== 'help' && parsed.values).toEqual({ port: '2113', mem: true });
    expect(parseCommandLine(['--port=1', '--help'], options)).toBe('help');
    expect(parseCommandLine(['-h'], options)).toBe('help');
  });

  it.each([
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--port'], /'--port <value>' argument missing/],
    [['--mem=yes'], /'--mem' does not take an argument/],
    [['stray'], /Unexpected argument 'stray'/],
  ])('refuses %j with a clear UsageError', (argv, message) => {
    expect(() => parseCommandLine(argv, options)).toThrow(UsageError);
    expect(() => parseCommandLine(argv, options)).toThrow(message);
  });

  it('takes positionals only when allowed', () => {
    const parsed = parseCommandLine(['dev'], {}, { allowPositionals: true });
    expect(parsed !== 'help' && parsed.positionals).toEqual(['dev']);
  });
});

describe('option values', () => {
  it('integerOption accepts whole numbers in range and refuses the rest', () => {
    expect(integerOption('batch', undefined, 1, 10)).toBeUndefined();
    expect(integerOption('batch', '7', 1, 10)).toBe(7);
    for (const raw of ['0', '11', '1.5', 'abc', '', '1e1'])
      expect(() => integerOption('batch', raw, 1, 10)).toThrow(/--batch must be a whole number from 1 to 10/);
  });

  it('validateOptions joins the schema messages into one UsageError', () => {
    const schema = z.object({ out: z.string().endsWith('.json', { message: '--out must name a .json file' }) });
    expect(validateOptions(schema, { out: 'a.json' })).toEqual({ out: 'a.json' });
    expect(() => validateOptions(schema, { out: 'a.txt' })).toThrow(new UsageError('--out must name a .json file'));
  });
});
