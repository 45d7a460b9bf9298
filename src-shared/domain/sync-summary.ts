/**
 * The one place that turns the connections' sync state into what the user reads: the status bar,
 * the Pending changes tab's count, the connection cards and the Pending view's progress all take
 * their words and numbers from `summarizeSync`, so they cannot contradict each other.
 *
 * Rules: nothing reads "up to date" while anything needs the user (a rejected change, a conflict,
 * a refused key, removals to confirm); every count is derived once from the same statuses; while
 * the window cannot reach the BenchSync core, nothing claims to be online.
 */

export const CONNECTION_STATES = ['idle', 'pulling', 'pushing', 'waiting', 'offline', 'rate_limited', 'key_rejected', 'paused', 'error'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** What the summary reads of a connection's status (the contract's `ConnectionStatus` has these and more). */
export interface ConnectionFacts {
  connectionId: string;
  name: string;
  state: ConnectionState;
  online: boolean;
  /** Changes not yet on the server, not counting refused ones. */
  pending: number;
  /** Changes the server refused (or keeps failing on): they wait for the user. */
  rejected: number;
  /** Records in conflict. */
  conflicts: number;
  done: number;
  etaMs: number | null;
  /** Main's own words about the state, with the technical detail (server's words, error codes). */
  message: string | null;
  removalToConfirm: number | null;
}

/** Whether this window can reach the BenchSync core (the headless socket can drop; Electron IPC cannot). */
export type CoreReach = 'open' | 'connecting' | 'lost' | 'refused';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral';

export interface ConnectionSummary {
  connectionId: string;
  name: string;
  /** Whether the remote answers, as far as the window knows. */
  reach: 'online' | 'offline' | 'paused' | 'unknown';
  /** The connection's state in a few words: 'up to date', 'needs you', 'sending changes'... */
  label: string;
  /** `Name: online, up to date`, `Name: offline`: the status bar's chip. */
  chip: string;
  tone: Tone;
  /** Nothing to send, nothing waiting for the user, the remote answers. */
  upToDate: boolean;
  /** What waits for the user here, in words ('2 rejected', '1 conflict', 'API key refused'...). */
  needs: string[];
  /** Every change of this connection not yet on the server (what the Pending changes view lists). */
  unsent: number;
  rejected: number;
  conflicts: number;
  /** `3 pending changes · 2 rejected · 1 conflict`: the same phrase everywhere. */
  counts: string;
  /** Why nothing moves, in plain words without error codes; null when nothing needs saying. */
  sentence: string | null;
  /** The technical detail behind the sentence (server's words, error codes), for a tooltip. */
  detail: string | null;
}

export interface SyncSummary {
  overall: { label: string; tone: Tone };
  /** False while the window cannot reach the core: the statuses are then only what was last known. */
  coreReachable: boolean;
  connections: ConnectionSummary[];
  /** Every change not yet on the server, refused ones included: the status bar's count and the tab's badge. */
  unsent: number;
  rejected: number;
  conflicts: number;
  /** Acknowledged since the queues were last empty, and the sendable rest: the progress bar. */
  done: number;
  sendable: number;
  /** The slowest connection's time left at its rate limit, while it can send. */
  etaMs: number | null;
  /** Connections with something for the user to do. */
  needYou: number;
  /** Nothing anywhere needs the user and every connection is up to date. */
  allUpToDate: boolean;
  /** Connections that are up to date, for the status bar's shared chip: 'all 3 connections up to date'. */
  calmChip: (count: number, alone: boolean) => string;
}

const STATE_WORDS: Record<ConnectionState, string> = {
  idle: 'up to date',
  pulling: 'refreshing',
  pushing: 'sending changes',
  waiting: 'waiting to retry',
  offline: 'offline',
  rate_limited: 'rate limited',
  key_rejected: 'API key rejected',
  paused: 'paused',
  error: 'error',
};

/** States in which queued changes cannot go out, so a time left means nothing. */
const STUCK: ReadonlySet<ConnectionState> = new Set(['offline', 'key_rejected', 'paused', 'error']);

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** `3 pending changes · 2 rejected · 1 conflict` (the rejected are among the pending). */
export function countsPhrase(unsent: number, rejected: number, conflicts: number): string {
  return [plural(unsent, 'pending change'), rejected > 0 ? `${rejected.toLocaleString('en-US')} rejected` : '', conflicts > 0 ? plural(conflicts, 'conflict') : '']
    .filter(Boolean)
    .join(' · ');
}

function reachOf(s: ConnectionFacts, core: CoreReach): ConnectionSummary['reach'] {
  if (core !== 'open') return 'unknown';
  if (s.state === 'paused') return 'paused';
  return s.online && s.state !== 'offline' ? 'online' : 'offline';
}

function needsOf(s: ConnectionFacts): string[] {
  const needs: string[] = [];
  if (s.state === 'key_rejected') needs.push('API key refused');
  if (s.rejected > 0) needs.push(`${s.rejected.toLocaleString('en-US')} rejected`);
  if (s.conflicts > 0) needs.push(plural(s.conflicts, 'conflict'));
  if (s.removalToConfirm !== null) needs.push(`${plural(s.removalToConfirm, 'removal')} to confirm`);
  return needs;
}

/** Hosts with ports, HTTP statuses, system error codes: detail for whoever fixes it, not words for the bench. */
const TECHNICAL = /\bHTTP \d{3}\b|\bE[A-Z]{4,}\b|\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b|[a-z0-9.-]+:\d{2,5}\b/;

export function isPlain(text: string): boolean {
  return !TECHNICAL.test(text);
}

/** Main's message where it is plain words (main writes those for pauses, refused keys, removals), else the fallback with the message as detail. */
function ownWords(message: string | null, fallback: string): { sentence: string; detail: string | null } {
  return message && isPlain(message) ? { sentence: message, detail: null } : { sentence: fallback, detail: message };
}

/**
 * Why the connection waits, in plain words. Main's message stays the detail: it names hosts,
 * HTTP statuses and system error codes, which help whoever fixes it but not at the bench.
 */
function sentenceOf(s: ConnectionFacts, reach: ConnectionSummary['reach']): { sentence: string | null; detail: string | null } {
  if (reach === 'unknown') return { sentence: null, detail: null };
  // Main's own words, already plain: the pause, the refused key with what to do, the removal to confirm.
  if (s.state === 'paused') return ownWords(s.message, 'Paused: edits stay queued until you resume.');
  if (s.state === 'key_rejected') return ownWords(s.message, 'The server refused the API key or settings. Fix them in Connections; your edits stay queued.');
  if (s.removalToConfirm !== null) {
    return ownWords(s.message, `The server’s list lacks ${plural(s.removalToConfirm, 'record')} kept here, so nothing was removed. Confirm in Connections if they were really deleted there.`);
  }
  if (reach === 'offline') return { sentence: 'The server cannot be reached. Your edits are kept here and sent when it is back.', detail: s.message };
  if (!s.message) return { sentence: null, detail: null };
  if (s.state === 'rate_limited') return { sentence: 'The server asked BenchSync to slow down; sending resumes shortly.', detail: s.message };
  if (s.state === 'waiting') return { sentence: 'The server did not take the last try; BenchSync tries again shortly.', detail: s.message };
  if (s.state === 'error') return { sentence: 'Could not refresh from the server; BenchSync tries again shortly.', detail: s.message };
  return { sentence: null, detail: null };
}

function summarizeConnection(s: ConnectionFacts, core: CoreReach, calmWord: string): ConnectionSummary {
  const reach = reachOf(s, core);
  const needs = needsOf(s);
  const unsent = s.pending + s.rejected;
  const upToDate = reach === 'online' && s.state === 'idle' && needs.length === 0 && unsent === 0;
  let label: string;
  let tone: Tone;
  if (reach === 'unknown') [label, tone] = ['status unknown', 'neutral'];
  else if (reach === 'paused') [label, tone] = ['paused', 'neutral'];
  else if (reach === 'offline') [label, tone] = ['offline', 'bad'];
  else if (s.state === 'key_rejected' || s.state === 'error') [label, tone] = [STATE_WORDS[s.state], 'bad'];
  else if (s.state !== 'idle') [label, tone] = [STATE_WORDS[s.state], s.state === 'rate_limited' || s.state === 'waiting' ? 'warn' : 'ok'];
  else if (needs.length > 0) [label, tone] = ['needs you', 'warn'];
  // Held for a decision or behind a conflict elsewhere: not sent, so not up to date either.
  else if (unsent > 0) [label, tone] = [`${plural(unsent, 'change')} waiting`, 'warn'];
  else [label, tone] = [calmWord, 'ok'];
  const chip =
    reach === 'online' ? `${s.name}: online, ${label}` : reach === 'unknown' ? `${s.name}: status unknown` : `${s.name}: ${label}`;
  return {
    connectionId: s.connectionId,
    name: s.name,
    reach,
    label,
    chip,
    tone,
    upToDate,
    needs,
    unsent,
    rejected: s.rejected,
    conflicts: s.conflicts,
    counts: countsPhrase(unsent, s.rejected, s.conflicts),
    ...sentenceOf(s, reach),
  };
}

/**
 * Everything the window says about syncing, from the statuses main last sent (null before the
 * first arrived) and whether the core can be reached now.
 */
export function summarizeSync(statuses: readonly ConnectionFacts[] | null, core: CoreReach): SyncSummary {
  const list = statuses ?? [];
  const anyNeeds = list.some((s) => needsOf(s).length > 0);
  // While anything needs the user, the others are "in sync", never "up to date"; without the core, nothing is known.
  const calmWord = core !== 'open' ? 'of unknown state' : anyNeeds ? 'in sync' : 'up to date';
  const connections = list.map((s) => summarizeConnection(s, core, calmWord));
  const sum = (f: (c: ConnectionFacts) => number) => list.reduce((n, s) => n + f(s), 0);
  const rejected = sum((s) => s.rejected);
  const unsent = sum((s) => s.pending) + rejected;
  let etaMs: number | null = null;
  for (const s of list) {
    if (s.etaMs !== null && !STUCK.has(s.state) && s.online) etaMs = Math.max(etaMs ?? 0, s.etaMs);
  }
  const active = connections.filter((c) => c.reach !== 'paused');
  const offline = active.filter((c) => c.reach === 'offline').length;
  const needYou = connections.filter((c) => c.needs.length > 0).length;
  let overall: SyncSummary['overall'];
  if (core === 'connecting') overall = { label: 'Connecting to BenchSync core…', tone: 'neutral' };
  else if (core === 'lost') overall = { label: 'BenchSync core unreachable', tone: 'bad' };
  else if (core === 'refused') overall = { label: 'Not connected to BenchSync core', tone: 'bad' };
  else if (statuses === null) overall = { label: 'Starting…', tone: 'neutral' };
  else if (list.length === 0) overall = { label: 'No connections', tone: 'neutral' };
  else if (active.length === 0) overall = { label: 'All connections paused', tone: 'neutral' };
  else if (offline === 0) overall = { label: 'Online', tone: needYou > 0 ? 'warn' : 'ok' };
  else if (offline === active.length) overall = { label: 'Offline', tone: 'bad' };
  else overall = { label: `${offline} of ${active.length} offline`, tone: 'warn' };
  return {
    overall,
    coreReachable: core === 'open',
    connections,
    unsent,
    rejected,
    conflicts: sum((s) => s.conflicts),
    done: sum((s) => s.done),
    sendable: sum((s) => s.pending),
    etaMs,
    needYou,
    allUpToDate: connections.length > 0 && connections.every((c) => c.upToDate),
    calmChip: (count, alone) => (alone ? `all ${count} connections ${calmWord}` : `${count} more ${calmWord}`),
  };
}
