import { z } from 'zod';
import type { RecordKind } from '../../../src-shared/domain/record-kinds';
import type { Connector, ConnectorContext, PullSink, RemoteAccount, RemoteApproval, RemoteCategory } from '../connector';
import { brainstemCall, listPages, PRIVATE_API } from './brainstem-client';
import { brainstemConsumable, POLL_BATCH } from './brainstem-consumable';
import { brainstemEquipment } from './brainstem-equipment';
import type { BrainstemKind } from './brainstem-kind';
import { wireEquipment, wireSetup, wireSupplier } from './brainstem-wire';

/**
 * BrainSTEM (www.brainstem.org), private portal with a Personal Access Token. Each record kind is
 * one module; a pull first refreshes the pickers' lists (setups for equipment, approved suppliers
 * for consumables), then each kind, then, for a reviewer's connection, the approvals to decide.
 */
const KINDS: readonly BrainstemKind[] = [brainstemEquipment, brainstemConsumable];

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

/** The live suppliers are the approved ones (pending suppliers exist only as approvals). */
async function pullSuppliers(ctx: ConnectorContext): Promise<RemoteCategory[]> {
  const suppliers: RemoteCategory[] = [];
  for await (const page of listPages(ctx.http, `${PRIVATE_API}/resources/supplier/`, 'suppliers', wireSupplier, { 'sort[]': 'id' })) {
    for (const s of page.items) suppliers.push({ remoteId: s.id, name: s.name, description: s.description || s.website || '' });
  }
  return suppliers;
}

/** Every kind's pending approvals, for the queue (only administrators can decide, so only reviewers pull it). */
async function pullQueue(ctx: ConnectorContext): Promise<RemoteApproval[]> {
  if (ctx.connection.settings.reviewer !== 'yes') return [];
  const queue: RemoteApproval[] = [];
  for (const kind of KINDS) if (kind.pendingApprovals) queue.push(...(await kind.pendingApprovals(ctx)));
  return queue;
}

/**
 * BrainSTEM does not say whose token it is (no endpoint names the current user); what a token
 * sees is what tells two tokens apart. A reviewer connection is an administrator only by its setting.
 */
function accountOf(ctx: ConnectorContext, equipment: number): RemoteAccount {
  const seen = `sees ${equipment} equipment record${equipment === 1 ? '' : 's'}`;
  return { label: ctx.connection.settings.reviewer === 'yes' ? `administrator token (as set here), ${seen}` : `token that ${seen}`, named: false };
}

export const brainstemConnector: Connector = {
  system: 'brainstem',
  // BrainSTEM publishes no limit for its REST API (docs/remotes/brainstem.md) and its own clients send back-to-back.
  // Ours stays polite for a small academic service: bursts of 5/s, 2/s sustained. A full pull of
  // 10 000 equipment is ~100 requests, under a minute.
  rateLimit: [
    { limit: 5, windowMs: 1_000 },
    { limit: 120, windowMs: 60_000 },
  ],
  // Every pull is a full pass (there is no "updated since"), so not too often.
  pullIntervalMs: 5 * 60_000,

  authHeaders: (connection) => ({ authorization: `Bearer ${connection.apiKey}` }),

  // Decisions are made by people, so every 20 s is prompt enough; a poll is one request per 25 proposals.
  proposalPollMs: 20_000,
  proposalPollBatch: POLL_BATCH,

  async pull(ctx, sink) {
    await sink.pickList('setups', await pullSetups(ctx));
    await sink.pickList('suppliers', await pullSuppliers(ctx));
    let equipment = 0;
    const counting: PullSink = {
      ...sink,
      page: async (page) => {
        if (page.kind === 'equipment') equipment += page.records.length;
        await sink.page(page);
      },
    };
    for (const kind of KINDS) await kind.pull(ctx, counting);
    // Replaced as a whole (also emptied when the reviewer setting is turned off).
    await sink.approvals?.(await pullQueue(ctx));
    sink.account?.(accountOf(ctx, equipment));
  },

  pullApprovals: pullQueue,

  push: (ctx, op) => kindOf(op.kind).push(ctx, op),

  findCreated: (ctx, op) => kindOf(op.kind).findCreated(ctx, op),

  findApplied: async (ctx, op) => (await kindOf(op.kind).findApplied?.(ctx, op)) ?? null,

  // Approval ids do not say their model; consumables are the only kind BenchSync proposes so far.
  pollProposals: (ctx, approvalIds) => brainstemConsumable.pollProposals!(ctx, approvalIds),

  async check(ctx) {
    const reply = await brainstemCall(
      ctx.http,
      { method: 'GET', path: `${PRIVATE_API}/modules/equipment/`, query: { limit: '1' } },
      z.object({ equipment: z.array(wireEquipment), count: z.number().int().optional() }),
    );
    const equipment = reply.count ?? reply.equipment.length;
    return { message: `Connected to BrainSTEM: ${equipment} equipment records visible to this token.`, account: accountOf(ctx, equipment) };
  },
};
