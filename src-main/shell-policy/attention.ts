/**
 * When a connection needs the user, the desktop app says so with a native notification. This
 * decides which status changes deserve one, once each. Pure (test/unit/shell-policy.test.ts).
 */
import type { ConnectionStatus } from '../../src-shared/contract/sync';

export type AttentionStatus = Pick<ConnectionStatus, 'connectionId' | 'name' | 'state' | 'rejected' | 'conflicts' | 'removalToConfirm'>;

export interface AttentionNotice {
  connectionId: string;
  title: string;
  body: string;
}

interface Seen {
  keyRejected: boolean;
  rejected: number;
  conflicts: number;
  removal: boolean;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Feed it every `sync.status` event. It notifies when a connection's key is refused (on entering
 * that state, not again while it stays there), when more edits are refused or in conflict than at
 * the last status, and when removals wait for a confirmation. What a connection already showed when
 * it was first seen (counts kept from an earlier session) is the baseline, except a refused key.
 * While the window has the focus nothing is shown (the window shows it), but the change still
 * counts as told.
 */
export class AttentionTracker {
  private readonly seen = new Map<string, Seen>();

  update(statuses: readonly AttentionStatus[], options: { windowFocused: boolean }): AttentionNotice[] {
    const notices: AttentionNotice[] = [];
    const present = new Set<string>();
    for (const s of statuses) {
      present.add(s.connectionId);
      const before = this.seen.get(s.connectionId) ?? { keyRejected: false, rejected: s.rejected, conflicts: s.conflicts, removal: (s.removalToConfirm ?? 0) > 0 };
      const now: Seen = { keyRejected: s.state === 'key_rejected', rejected: s.rejected, conflicts: s.conflicts, removal: (s.removalToConfirm ?? 0) > 0 };
      this.seen.set(s.connectionId, now);
      const reasons: string[] = [];
      if (now.keyRejected && !before.keyRejected) reasons.push('The server refused the API key: enter it again in Connections.');
      if (now.rejected > before.rejected) reasons.push(`${plural(now.rejected, 'edit was', 'edits were')} refused by the server: retry or discard ${now.rejected === 1 ? 'it' : 'them'}.`);
      if (now.conflicts > before.conflicts) reasons.push(`${plural(now.conflicts, 'record has', 'records have')} a conflict to resolve.`);
      if (now.removal && !before.removal) reasons.push(`${plural(s.removalToConfirm ?? 0, 'record', 'records')} the server no longer lists wait for you to confirm the removal.`);
      if (reasons.length > 0 && !options.windowFocused) notices.push({ connectionId: s.connectionId, title: `${s.name} needs you`, body: reasons.join(' ') });
    }
    for (const id of [...this.seen.keys()]) if (!present.has(id)) this.seen.delete(id);
    return notices;
  }
}
