import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONNECTION_STATES, type ConnectionFacts, type CoreReach, summarizeSync, type SyncSummary } from '../../src-shared/domain/sync-summary';

let n = 0;
const facts = (f: Partial<ConnectionFacts> = {}): ConnectionFacts => ({
  connectionId: `c${++n}`,
  name: `Connection ${n}`,
  state: 'idle',
  online: true,
  pending: 0,
  rejected: 0,
  conflicts: 0,
  done: 0,
  etaMs: null,
  message: null,
  removalToConfirm: null,
  ...f,
});

/** Every word the summary gives the window, as one text. */
function allWords(s: SyncSummary): string {
  return [
    s.overall.label,
    s.calmChip(s.connections.length, true),
    s.calmChip(1, false),
    ...s.connections.flatMap((c) => [c.label, c.chip, c.counts, c.sentence ?? '', ...c.needs]),
  ].join('\n');
}

describe('summarizeSync', () => {
  it('the issue’s contradictions: nothing is "up to date" beside 2 rejected and a conflict, and the counts agree', () => {
    const statuses = [facts({ name: 'Lab catalog', rejected: 2, conflicts: 1, pending: 1 }), facts(), facts(), facts()];
    const s = summarizeSync(statuses, 'open');
    expect(allWords(s)).not.toMatch(/up to date/);
    expect(s.overall).toEqual({ label: 'Online', tone: 'warn' });
    const lab = s.connections[0]!;
    expect(lab).toMatchObject({ label: 'needs you', chip: 'Lab catalog: online, needs you', upToDate: false, needs: ['2 rejected', '1 conflict'] });
    // The tab's badge, the status bar's count and the card's phrase are one number: refused changes are pending too.
    expect(s.unsent).toBe(3);
    expect(lab.unsent).toBe(3);
    expect(lab.counts).toBe('3 pending changes · 2 rejected · 1 conflict');
    expect(s.calmChip(3, false)).toBe('3 more in sync');
    expect(s.needYou).toBe(1);
    expect(s.allUpToDate).toBe(false);
  });

  it('all calm: up to date, everywhere', () => {
    const s = summarizeSync([facts(), facts(), facts()], 'open');
    expect(s.allUpToDate).toBe(true);
    expect(s.calmChip(3, true)).toBe('all 3 connections up to date');
    expect(s.connections.map((c) => c.chip)).toEqual(s.connections.map((c) => `${c.name}: online, up to date`));
    expect(s.overall).toEqual({ label: 'Online', tone: 'ok' });
  });

  it('held changes (a decision or a conflict elsewhere) are not up to date, and a refused key needs the user', () => {
    expect(summarizeSync([facts({ pending: 2 })], 'open').connections[0]).toMatchObject({ label: '2 changes waiting', upToDate: false });
    const key = summarizeSync([facts({ state: 'key_rejected', message: 'Instrument Catalog rejected the API key. Your edits stay queued.' })], 'open').connections[0]!;
    expect(key).toMatchObject({ label: 'API key rejected', tone: 'bad', needs: ['API key refused'], sentence: 'Instrument Catalog rejected the API key. Your edits stay queued.' });
    const removal = summarizeSync([facts({ removalToConfirm: 5, message: 'The server’s list lacks 5 records.' })], 'open').connections[0]!;
    expect(removal.needs).toEqual(['5 removals to confirm']);
  });

  it('offline: plain words, the error code only in the detail', () => {
    const raw = 'Offline: 127.0.0.1:4123 cannot be reached (ECONNREFUSED). Edits are kept and will be sent when it is back.';
    const s = summarizeSync([facts({ state: 'offline', online: false, pending: 2, message: raw }), facts({ state: 'offline', online: false, message: raw })], 'open');
    expect(s.overall).toEqual({ label: 'Offline', tone: 'bad' });
    const c = s.connections[0]!;
    expect(c.chip).toBe(`${c.name}: offline`);
    expect(c.sentence).toBe('The server cannot be reached. Your edits are kept here and sent when it is back.');
    expect(c.detail).toBe(raw);
    expect(allWords(s)).not.toMatch(/ECONN|HTTP \d|next try/);
    // A connection that cannot send has no time left to show.
    expect(summarizeSync([facts({ state: 'offline', online: false, pending: 2, etaMs: 4_000 })], 'open').etaMs).toBeNull();
  });

  it('mixed reachability, pauses, and before the first status', () => {
    expect(summarizeSync([facts(), facts({ state: 'offline', online: false })], 'open').overall.label).toBe('1 of 2 offline');
    expect(summarizeSync([facts({ state: 'paused' })], 'open').overall.label).toBe('All connections paused');
    expect(summarizeSync([facts({ state: 'paused' })], 'open').connections[0]!.chip).toMatch(/: paused$/);
    expect(summarizeSync([], 'open').overall.label).toBe('No connections');
    expect(summarizeSync(null, 'open').overall.label).toBe('Starting…');
  });

  it('without the core nothing claims to be online: the statuses are only what was last known', () => {
    const statuses = [facts({ name: 'Lab catalog' }), facts({ state: 'offline', online: false })];
    const labels: Record<Exclude<CoreReach, 'open'>, string> = {
      connecting: 'Connecting to BenchSync core…',
      lost: 'BenchSync core unreachable',
      refused: 'Not connected to BenchSync core',
    };
    for (const [core, label] of Object.entries(labels) as [CoreReach, string][]) {
      const s = summarizeSync(statuses, core);
      expect(s.overall.label).toBe(label);
      expect(s.coreReachable).toBe(false);
      expect(s.connections.map((c) => c.reach)).toEqual(['unknown', 'unknown']);
      expect(s.connections[0]!.chip).toBe('Lab catalog: status unknown');
      expect(s.connections.some((c) => c.upToDate)).toBe(false);
      expect(allWords(s)).not.toMatch(/\bonline\b|up to date/i);
    }
  });

  it('property: the totals are the sums of the connections, and "up to date" never stands beside something for the user', () => {
    const connection = fc.record({
      state: fc.constantFrom(...CONNECTION_STATES),
      online: fc.boolean(),
      pending: fc.nat({ max: 5 }),
      rejected: fc.nat({ max: 3 }),
      conflicts: fc.nat({ max: 3 }),
      done: fc.nat({ max: 5 }),
      removalToConfirm: fc.option(fc.integer({ min: 1, max: 9 }), { nil: null }),
      message: fc.option(fc.constantFrom('x.example cannot be reached (ECONNREFUSED).', 'HTTP 503'), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(connection, { maxLength: 5 }), fc.constantFrom<CoreReach>('open', 'lost'), (list, core) => {
        const statuses = list.map((f) => facts(f));
        const s = summarizeSync(statuses, core);
        expect(s.unsent).toBe(s.connections.reduce((t, c) => t + c.unsent, 0));
        expect(s.unsent).toBe(statuses.reduce((t, c) => t + c.pending + c.rejected, 0));
        expect(s.rejected).toBe(statuses.reduce((t, c) => t + c.rejected, 0));
        expect(s.conflicts).toBe(statuses.reduce((t, c) => t + c.conflicts, 0));
        expect(s.needYou).toBe(s.connections.filter((c) => c.needs.length > 0).length);
        for (const c of s.connections) {
          if (c.upToDate) expect(c.unsent + c.conflicts + c.needs.length).toBe(0);
          // A sentence is for the bench: the technical detail stays in the tooltip.
          expect(c.sentence ?? '').not.toMatch(/ECONN|HTTP \d/);
        }
        if (s.needYou > 0) expect(allWords(s)).not.toMatch(/up to date/);
      }),
      { numRuns: 300 },
    );
  });
});
