import type { Fields } from '../../src-shared/domain/record-kinds';

export function parseFields(text: string | null | undefined): Fields {
  if (!text) return {};
  const value: unknown = JSON.parse(text);
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
}

export function nowIso(): string {
  return new Date().toISOString();
}
