import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * What a seed run has done, saved every few seconds (written to a temp file and renamed, so a
 * crash leaves the previous state whole). `nextActivity`: every activity command below it has
 * answered; `eventsWritten`: how many of those (and of the openings) stored an event.
 */
export type SeedState = {
  seed: string;
  accounts: number;
  /** Filled once every opening has answered. */
  accountNumbers: string[] | null;
  nextActivity: number;
  eventsWritten: number;
  failed: Record<string, number>;
};

const stateSchema = z.object({
  seed: z.string(),
  accounts: z.number().int(),
  accountNumbers: z.array(z.string()).nullable(),
  nextActivity: z.number().int().min(0),
  eventsWritten: z.number().int().min(0),
  failed: z.record(z.string(), z.number()),
});

export async function loadState(file: string, seed: string, accounts: number): Promise<SeedState> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch {
    return { seed, accounts, accountNumbers: null, nextActivity: 0, eventsWritten: 0, failed: {} };
  }
  const state = stateSchema.parse(JSON.parse(raw));
  if (state.seed !== seed || state.accounts !== accounts) {
    throw new Error(
      `${file} belongs to a seed of ${state.accounts} accounts with seed "${state.seed}"; ` +
        `run with those, or use another data directory`,
    );
  }
  return state;
}

export async function saveState(file: string, state: SeedState): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(state));
  await rename(`${file}.tmp`, file);
}
