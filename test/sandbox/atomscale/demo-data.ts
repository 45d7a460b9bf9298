import { createRandom } from '../common/random';
import type { SynthType, SynthesisStore } from './store';
import { ORG_A, ORG_A_USERS, ORG_B, ORG_B_USERS, type AtomscaleUser } from './users';

/**
 * Growth tools of a university thin-film lab (org A) and a small epitaxy company (org B).
 * The first one is the docs' example ("MBE Chamber A", Veeco GEN10, make 3). Fixed timestamps
 * keep two runs with the same seed identical.
 */
type Row = [
  org: 'A' | 'B',
  label: string,
  manufacturer: string,
  model: string,
  type: SynthType,
  year: number,
  serial: string,
  inputs: number,
  owner: number,
  lastUpdated: string,
  note?: [content: string, lastUpdated: string],
];

const ROWS: Row[] = [
  ['A', 'MBE Chamber A', 'Veeco', 'GEN10', 'mbe', 2021, 'GEN10-00421', 8, 0, '2024-01-15T10:00:00Z'],
  ['A', 'MBE Chamber B', 'Veeco', 'GEN930', 'mbe', 2016, '930-1187', 10, 1, '2024-02-03T14:22:10Z', ['Ga SUMO cell refilled; As cracker bake scheduled for March.', '2024-02-03T14:20:41Z']],
  ['A', 'Oxide MBE', 'Riber', 'Compact 21', 'mbe', 2012, 'C21-0457', 8, 2, '2023-11-20T09:12:55Z', ['Ozone injector replaced.', '2023-11-20T09:10:02Z']],
  ['A', 'Nitride MBE', 'DCA', 'R450', 'mbe', 2019, 'R450-118', 6, 3, '2024-03-11T16:40:00Z'],
  ['B', 'Growth 1', 'Veeco', 'GEN10', 'mbe', 2020, 'GEN10-00388', 8, 0, '2024-02-27T08:05:31Z'],
  ['A', 'Sputter 1', 'AJA International', 'ATC Orion 8', 'sputter', 2018, 'ORION8-2231', 5, 1, '2024-03-02T11:18:09Z', ['Gun 3 shutter sticks; use gun 4 for Ti.', '2024-03-02T11:17:00Z']],
  ['A', 'Sputter 2', 'AJA International', 'ATC 2200', 'sputter', 2015, 'ATC2200-0874', 4, 2, '2023-09-14T13:30:00Z'],
  ['A', 'E-beam Evaporator', 'Kurt J. Lesker', 'PVD 75', 'pvd', 2017, 'PVD75-1469', 4, 3, '2024-01-29T10:45:12Z'],
  ['A', 'Thermal Evaporator', 'Angstrom Engineering', 'Nexdep', 'pvd', 2019, 'NXD-19-0332', 6, 0, '2023-12-08T15:02:47Z'],
  ['A', 'Plasma ALD', 'Oxford Instruments', 'FlexAL', 'ald', 2020, 'FLEXAL-94-113', 6, 1, '2024-03-19T09:00:00Z', ['TMA bubbler at 50%.', '2024-03-19T08:58:30Z']],
  ['B', 'ALD-East', 'Beneq', 'TFS 200', 'ald', 2018, 'TFS200-1842', 4, 1, '2023-10-30T12:00:00Z'],
  ['A', 'Thermal ALD', 'Picosun', 'R-200 Advanced', 'ald', 2021, 'R200-21-0719', 6, 2, '2024-02-21T17:25:33Z'],
  ['A', 'Beneq ALD', 'Beneq', 'TFS 200', 'ald', 2014, 'TFS200-0977', 4, 3, '2023-07-05T10:10:10Z'],
  ['A', 'PLD Chamber', 'Neocera', 'Pioneer 180', 'pld', 2015, 'P180-0788', 6, 0, '2024-01-09T14:00:00Z', ['KrF laser gas fill due.', '2024-01-09T13:55:19Z']],
  ['A', 'PLD Chamber 2', 'Neocera', 'Pioneer 180', 'pld', 2022, 'P180-1203', 6, 1, '2024-03-06T10:31:42Z'],
  ['B', 'Sputter West', 'AJA International', 'ATC Orion 5', 'sputter', 2017, 'ORION5-1570', 3, 0, '2024-01-18T09:45:00Z'],
  ['A', 'MOCVD', 'Aixtron', 'CCS 3x2', 'cvd', 2014, 'CCS32-0612', 6, 2, '2024-02-12T08:20:00Z', ['TMGa source changed; recalibrate growth rate.', '2024-02-12T08:19:12Z']],
  ['A', 'Graphene CVD', 'Aixtron', 'BM Pro', 'cvd', 2019, 'BMPRO-4-0091', 3, 3, '2023-12-14T16:16:16Z'],
  ['A', 'Tube Furnace CVD', 'CVD Equipment', 'EasyTube 3000', 'cvd', 2016, 'ET3000-2210', 4, 0, '2023-08-22T11:00:00Z'],
  ['A', 'PECVD', 'Oxford Instruments', 'PlasmaPro 100', 'cvd', 2018, 'PP100-0551', 5, 1, '2024-01-31T15:40:00Z'],
  ['A', 'Lesker Sputter', 'Kurt J. Lesker', 'CMS-18', 'sputter', 2013, 'CMS18-0204', 4, 2, '2023-06-12T10:00:00Z'],
  ['B', 'Growth 2', 'Riber', 'MBE 49', 'mbe', 2011, 'MBE49-0133', 10, 1, '2023-12-01T07:30:00Z', ['Production tool: book through ops.', '2023-12-01T07:29:10Z']],
  ['A', 'GENxplor', 'Veeco', 'GENxplor', 'mbe', 2018, 'GXP-0177', 10, 3, '2024-03-14T12:12:00Z'],
  ['A', 'Oxide MBE 2', 'SVT Associates', 'V-80', 'mbe', 2010, 'SVT-V80-031', 6, 0, '2023-05-30T09:09:09Z'],
  ['A', 'Lab10 MBE', 'Scienta Omicron', 'Lab10', 'mbe', 2022, 'LAB10-0086', 10, 1, '2024-03-21T10:05:00Z'],
  ['A', 'Octoplus', 'MBE Komponenten', 'Octoplus 400', 'mbe', 2020, 'OCT400-0112', 8, 2, '2024-02-08T13:13:13Z'],
  ['A', 'Denton Sputter', 'Denton Vacuum', 'Explorer 14', 'sputter', 2012, 'EXP14-5527', 3, 3, '2023-04-17T14:44:44Z'],
  ['B', 'PLD', 'Neocera', 'Pioneer 120', 'pld', 2019, 'P120-0429', 6, 0, '2024-02-14T10:00:00Z'],
  ['A', 'EvoVac Evaporator', 'Angstrom Engineering', 'EvoVac', 'pvd', 2021, 'EVO-21-0415', 4, 0, '2024-01-04T09:30:00Z'],
  ['A', 'Savannah ALD', 'Cambridge NanoTech', 'Savannah S200', 'ald', 2011, 'S200-0392', 4, 1, '2023-03-03T11:11:11Z'],
  ['A', 'ALD150LX', 'Kurt J. Lesker', 'ALD150LX', 'ald', 2019, 'ALD150-0067', 5, 2, '2023-10-10T10:10:00Z'],
];

export function loadDemoData(store: SynthesisStore): void {
  // Makes exist before the first tool of this lab: the docs' example has Veeco GEN10 as make 3.
  store.makeFor('Veeco', 'GEN930');
  store.makeFor('Riber', 'Compact 21');
  store.makeFor('Veeco', 'GEN10');
  for (const [org, label, manufacturer, model, type, year, serial, inputs, owner, lastUpdated, note] of ROWS) {
    const users = org === 'A' ? ORG_A_USERS : ORG_B_USERS;
    const user = users[owner % users.length]!;
    store.create({
      organizationId: org === 'A' ? ORG_A : ORG_B,
      userId: user.userId,
      userName: user.name,
      label,
      manufacturer,
      model,
      type,
      metadata: { manufacture_year: year, serial_identifier: serial, inputs },
      note: note && { content: note[0], lastUpdated: note[1] },
      lastUpdated,
    });
  }
}

const GENERATED_MAKES: [string, string, SynthType, string][] = [
  ['Veeco', 'GEN10', 'mbe', 'MBE'],
  ['Veeco', 'GEN930', 'mbe', 'MBE'],
  ['Riber', 'Compact 21', 'mbe', 'MBE'],
  ['DCA', 'R450', 'mbe', 'MBE'],
  ['AJA International', 'ATC Orion 8', 'sputter', 'Sputter'],
  ['Kurt J. Lesker', 'PVD 75', 'pvd', 'Evaporator'],
  ['Oxford Instruments', 'FlexAL', 'ald', 'ALD'],
  ['Picosun', 'R-200 Advanced', 'ald', 'ALD'],
  ['Beneq', 'TFS 200', 'ald', 'ALD'],
  ['Neocera', 'Pioneer 180', 'pld', 'PLD'],
  ['Aixtron', 'CCS 3x2', 'cvd', 'MOCVD'],
  ['Oxford Instruments', 'PlasmaPro 100', 'cvd', 'PECVD'],
];

/** `count` more tools for org A, the same for the same seed. */
export function loadGeneratedInstruments(store: SynthesisStore, count: number, seed: number): void {
  const random = createRandom(seed ^ 0xa7_05ca1e);
  const pad = (n: number) => String(n).padStart(2, '0');
  for (let i = 1; i <= count; i++) {
    const [manufacturer, model, type, kind] = random.pick(GENERATED_MAKES);
    const user: AtomscaleUser = random.pick(ORG_A_USERS);
    const stamp = `202${random.int(2, 4)}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}T${pad(random.int(0, 23))}:${pad(random.int(0, 59))}:${pad(random.int(0, 59))}Z`;
    store.create({
      organizationId: ORG_A,
      userId: user.userId,
      userName: user.name,
      label: `${kind} ${i}`,
      manufacturer,
      model,
      type,
      metadata: {
        manufacture_year: random.int(2005, 2024),
        serial_identifier: `${model.replace(/[^A-Za-z0-9]/g, '').slice(0, 6).toUpperCase()}-${random.int(1000, 99999)}`,
        inputs: random.int(2, 12),
      },
      note: random.chance(0.2) ? { content: `Maintenance log entry ${random.int(1, 999)}.`, lastUpdated: stamp } : undefined,
      lastUpdated: stamp,
    });
  }
}
