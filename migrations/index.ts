import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_pick_lists';
import * as m0003 from './0003_proposals';
import * as m0004 from './0004_lookup_indexes';
import * as m0005 from './0005_op_states';
import * as m0006 from './0006_proposal_history';
import * as m0007 from './0007_sync_times_and_write_refusals';
import * as m0008 from './0008_search_index';
import * as m0009 from './0009_history';
import * as m0010 from './0010_bench_acts';
import * as m0011 from './0011_title_order_index';
import * as m0012 from './0012_title_key_index';

/** Static list so the migrations bundle with main; a new migration is one import and one line. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_pick_lists': m0002,
  '0003_proposals': m0003,
  '0004_lookup_indexes': m0004,
  '0005_op_states': m0005,
  '0006_proposal_history': m0006,
  '0007_sync_times_and_write_refusals': m0007,
  '0008_search_index': m0008,
  '0009_history': m0009,
  '0010_bench_acts': m0010,
  '0011_title_order_index': m0011,
  '0012_title_key_index': m0012,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
