import { z } from 'zod';
import type { RecordKind } from '../../../src-shared/domain/record-kinds';
import type { Connector, ConnectorContext } from '../connector';
import { brainstemCall, listPages, PRIVATE_API } from './brainstem-client';
import { brainstemEquipment } from './brainstem-equipment';
import type { BrainstemKind } from './brainstem-kind';
import { wireEquipment, wireSetup } from './brainstem-wire';

/**
 * BrainSTEM (www.brainstem.org), private portal with a Personal Access Token. Each record kind is
 * one module; a pull first refreshes the setups (the equipment form's picker), then each kind.
 */
const KINDS: readonly BrainstemKind[] = [brainstemEquipment];

function kindOf(kind: RecordKind): BrainstemKind {
  const k = KINDS.find((x) => x.kind === kind);
  if (!k) throw new Error(`BenchSync does not sync BrainSTEM ${kind} records.`);
  return k;
}

async function pullSetups(ctx: ConnectorContext) {
  const setups = [];
  for await (const page of listPages(ctx.http, `${PRIVATE_API}/personal_attributes/setup/`, 'setups', wireSetup, { 'sort[]': 'id' })) {
    for (const s of page.items) {
      setups.push({ remoteId: s.id, name: s.name, description: [s.location, s.description].filter(Boolean).join(' — ') });
    }
  }
  return setups;
}

export const brainstemConnector: Connector = {
  system: 'brainstem',
  // BrainSTEM publishes no limit for its REST API (§1.1) and its own clients send back-to-back.
  // Ours stays polite for a small academic service: bursts of 5/s, 2/s sustained. A full pull of
  // 10 000 equipment is ~100 requests, under a minute.
  rateLimit: [
    { limit: 5, windowMs: 1_000 },
    { limit: 120, windowMs: 60_000 },
  ],
  // Every pull is a full pass (there is no "updated since"), so not too often.
  pullIntervalMs: 5 * 60_000,

  authHeaders: (connection) => ({ authorization: `Bearer ${connection.apiKey}` }),

  async pull(ctx, sink) {
    await sink.pickList('setups', await pullSetups(ctx));
    for (const kind of KINDS) await kind.pull(ctx, sink);
  },

  push: (ctx, op) => kindOf(op.kind).push(ctx, op),

  findCreated: (ctx, op) => kindOf(op.kind).findCreated(ctx, op),

  async check(ctx) {
    const reply = await brainstemCall(
      ctx.http,
      { method: 'GET', path: `${PRIVATE_API}/modules/equipment/`, query: { limit: '1' } },
      z.object({ equipment: z.array(wireEquipment), count: z.number().int().optional() }),
    );
    return `Connected to BrainSTEM: ${reply.count ?? reply.equipment.length} equipment records visible to this token.`;
  },
};
