import type { HistoryPolicy } from '../../../src-shared/contract/history';
import type { Db } from '../db/schema';

const DEFAULTS: HistoryPolicy = { requireReasonForDelete: true };
const KEY = 'history.policy';

/** This workstation's settings (`app_settings`): for now, when a change needs a reason. */
export class AppSettings {
  constructor(private readonly db: Db) {}

  async historyPolicy(): Promise<HistoryPolicy> {
    const row = await this.db.selectFrom('app_settings').select('value').where('key', '=', KEY).executeTakeFirst();
    if (!row) return DEFAULTS;
    try {
      return { ...DEFAULTS, ...(JSON.parse(row.value) as Partial<HistoryPolicy>) };
    } catch {
      return DEFAULTS;
    }
  }

  async setHistoryPolicy(policy: HistoryPolicy): Promise<HistoryPolicy> {
    const value = JSON.stringify(policy);
    await this.db.insertInto('app_settings').values({ key: KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    return policy;
  }
}
