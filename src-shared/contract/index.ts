import type { z } from 'zod';
import { appContract } from './app';
import { approvalsContract } from './approvals';
import { benchContract } from './bench';
import { connectionsContract } from './connections';
import { eventsContract } from './events';
import { historyContract } from './history';
import { labelsContract } from './labels';
import { recordsContract } from './records';
import { scanContract } from './scan';
import { syncContract } from './sync';

/** Everything the renderer may ask of main: one table, every message a zod schema. */
export const contract = {
  ...appContract,
  ...connectionsContract,
  ...recordsContract,
  ...syncContract,
  ...approvalsContract,
  ...historyContract,
  ...labelsContract,
  ...benchContract,
  ...scanContract,
} as const;

export type Contract = typeof contract;
export type Method = keyof Contract;
export type RequestOf<M extends Method> = z.input<Contract[M]['request']>;
export type ParsedRequestOf<M extends Method> = z.output<Contract[M]['request']>;
export type ReplyOf<M extends Method> = z.output<Contract[M]['reply']>;

export const events = eventsContract;
export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.hasOwn(contract, name);
}

export * from './approvals';
export * from './bench';
export * from './common';
export * from './connections';
export * from './history';
export * from './labels';
export * from './records';
export * from './scan';
export * from './sync';
