import { createRandom } from '../common/random';
import type { Fields, InstrumentStore } from './store';
import { OTHER_LAB, TEST_COMPANY, USERS } from './users';

/**
 * A cannabis testing lab's instrument register. Every document carries all the fields the docs
 * show (so list replies match the documented shape) plus the extra keys labs really store
 * (`model`, `serial_number`, `analyses` as a comma-separated string, as the collector reads it).
 * Timestamps are fixed so two runs with the same seed serve identical data.
 */
const AREAS: Record<string, string> = {
  'area-potency': 'Potency Lab',
  'area-solvents': 'Residual Solvents Lab',
  'area-pesticides': 'Pesticides & Mycotoxins Lab',
  'area-metals': 'Heavy Metals Lab',
  'area-micro': 'Microbiology Lab',
  'area-prep': 'Sample Prep',
  'area-receiving': 'Receiving & Weigh Room',
};

const ANALYSTS: Record<string, string> = { MA: 'Maria Alvarez', DO: 'Daniel Okafor', PN: 'Priya Nair', JT: 'Jordan Tse', RK: 'Rosa Kim' };

type Row = [
  id: string,
  name: string,
  type: string,
  vendor: string,
  model: string,
  area: keyof typeof AREAS,
  analyses: string,
  calibratedAt: string | 0,
  calibratedBy: string,
  serial: string,
  acquired: string,
  description: string,
];

const TEST_COMPANY_ROWS: Row[] = [
  ['HPLC-01', 'Potency HPLC 1', 'HPLC', 'Agilent', '1260 Infinity II', 'area-potency', 'cannabinoids', '2024-02-12', 'MA', 'DEAEX01234', '2021-03-15', 'Quaternary pump, DAD; 17-cannabinoid method.'],
  ['HPLC-02', 'Potency HPLC 2', 'HPLC', 'Shimadzu', 'Nexera-i LC-2040C 3D Plus', 'area-potency', 'cannabinoids', '2024-02-14', 'MA', 'L20845112345', '2021-09-01', 'Cannabis Analyzer for Potency, high-throughput edibles queue.'],
  ['HPLC-03', 'Potency UHPLC', 'HPLC', 'Waters', 'ACQUITY Arc', 'area-potency', 'cannabinoids', '2023-11-30', 'JT', 'F18ARC871Q', '2022-06-20', 'Concentrates and vape cartridges.'],
  ['HPLC-04', 'Backup HPLC', 'HPLC', 'Agilent', '1290 Infinity II', 'area-potency', 'cannabinoids', 0, '', 'DEAEB07781', '2024-04-02', 'Installed, awaiting IQ/OQ.'],
  ['GCMS-01', 'Terpenes GC-MS', 'GC-MS', 'Agilent', '8890 / 5977B', 'area-solvents', 'terpenes', '2024-01-22', 'PN', 'US2011A041', '2021-05-10', 'Split/splitless inlet, 42-terpene panel.'],
  ['GCMS-02', 'Pesticides GC-MS/MS', 'GC-MS', 'Thermo Fisher', 'TSQ 9610 / TRACE 1610', 'area-pesticides', 'pesticides', '2024-03-05', 'PN', 'TQ9610-2209', '2022-09-12', 'Chlorinated pesticides not amenable to LC.'],
  ['GCMS-03', 'Residual Solvents GC-MS', 'GC-MS', 'Shimadzu', 'GCMS-QP2020 NX', 'area-solvents', 'residual_solvents', '2024-02-28', 'RK', 'O21525301234', '2021-11-08', 'With HS-20 NX headspace sampler.'],
  ['GCFID-01', 'Headspace GC-FID', 'GC-FID', 'PerkinElmer', 'Clarus 690 + TurboMatrix HS-40', 'area-solvents', 'residual_solvents', '2023-12-11', 'RK', '690N20110503', '2020-08-17', 'Class 1/2 solvents, USP <467>-style method.'],
  ['LCMS-01', 'Pesticides LC-MS/MS 1', 'LC-MS/MS', 'Agilent', '6470B Triple Quad', 'area-pesticides', 'pesticides,mycotoxins', '2024-03-18', 'PN', 'SG2102T901', '2021-02-03', '66-pesticide California list plus aflatoxins.'],
  ['LCMS-02', 'Pesticides LC-MS/MS 2', 'LC-MS/MS', 'Shimadzu', 'LCMS-8060NX', 'area-pesticides', 'pesticides,mycotoxins', '2024-03-20', 'PN', 'O11855400127', '2022-01-24', ''],
  ['LCMS-03', 'Mycotoxins LC-MS/MS', 'LC-MS/MS', 'Waters', 'Xevo TQ-S micro', 'area-pesticides', 'mycotoxins', '2023-10-02', 'JT', 'WAA1163', '2020-12-14', 'Ochratoxin A and aflatoxins B1, B2, G1, G2.'],
  ['LCMS-04', 'QSight Triple Quad', 'LC-MS/MS', 'PerkinElmer', 'QSight 420', 'area-pesticides', 'pesticides', '2023-06-19', 'JT', '1420S0219', '2019-07-22', 'Out of service: source cleaning scheduled.'],
  ['ICPMS-01', 'Heavy Metals ICP-MS', 'ICP-MS', 'Agilent', '7900', 'area-metals', 'heavy_metals', '2024-01-09', 'RK', 'JP20401234', '2021-04-26', 'As, Cd, Hg, Pb; He collision mode.'],
  ['ICPMS-02', 'Heavy Metals ICP-MS 2', 'ICP-MS', 'PerkinElmer', 'NexION 2000', 'area-metals', 'heavy_metals', '2024-01-10', 'RK', '85YS9061802', '2022-03-30', ''],
  ['ICPMS-03', 'Metals ICP-MS (R&D)', 'ICP-MS', 'Thermo Fisher', 'iCAP RQ', 'area-metals', 'heavy_metals', '2023-08-15', 'MA', 'ICAPRQ-01487', '2020-10-05', 'Method development only.'],
  ['DIG-01', 'Microwave Digestion', 'Microwave Digester', 'CEM', 'MARS 6', 'area-metals', 'heavy_metals', '2024-01-08', 'RK', 'MD8720', '2021-04-26', '40-position iPrep vessels.'],
  ['BAL-01', 'Analytical Balance 1', 'Balance', 'Mettler Toledo', 'XPR205', 'area-receiving', '', '2024-04-01', 'DO', 'B912345678', '2021-03-01', '220 g x 0.01 mg; daily check with 100 g E2 weight.'],
  ['BAL-02', 'Analytical Balance 2', 'Balance', 'Mettler Toledo', 'XS205 DualRange', 'area-prep', '', '2024-04-01', 'DO', 'B815678901', '2019-05-13', ''],
  ['BAL-03', 'Precision Balance', 'Balance', 'Mettler Toledo', 'MS1003TS', 'area-receiving', '', '2024-04-01', 'DO', 'C012298765', '2020-02-20', 'Bulk flower intake.'],
  ['BAL-04', 'Microbalance', 'Balance', 'Mettler Toledo', 'XPR6UD5', 'area-prep', 'heavy_metals', '2024-03-29', 'DO', 'B934567123', '2022-08-08', 'Reference standard preparation.'],
  ['BAL-05', 'Micro Lab Balance', 'Balance', 'Mettler Toledo', 'ML204T', 'area-micro', 'microbials', '2024-04-01', 'DO', 'C119876543', '2021-06-14', ''],
  ['MOIST-01', 'Moisture Analyzer 1', 'Moisture Analyzer', 'Mettler Toledo', 'HC103', 'area-prep', 'moisture', '2024-02-20', 'JT', 'B946123789', '2021-03-01', 'Halogen, 105 °C to constant mass.'],
  ['MOIST-02', 'Moisture Analyzer 2', 'Moisture Analyzer', 'Mettler Toledo', 'HX204', 'area-prep', 'moisture', '2024-02-20', 'JT', 'B958321654', '2022-10-11', ''],
  ['AW-01', 'Water Activity Meter', 'Water Activity Meter', 'METER Group', 'AquaLab 4TE', 'area-prep', 'water_activity', '2024-02-21', 'JT', '4TE-21145', '2021-03-01', 'Chilled-mirror dew point; 0.760 aw limit.'],
  ['PCR-01', 'Microbial qPCR', 'qPCR', 'Thermo Fisher', 'QuantStudio 5', 'area-micro', 'microbials', '2023-12-04', 'MA', '272510987', '2021-07-19', 'Salmonella, STEC, Aspergillus panels.'],
  ['PCR-02', 'Microbial qPCR 2', 'qPCR', 'Agilent', 'AriaMx', 'area-micro', 'microbials', '2023-12-05', 'MA', 'MY21450123', '2022-05-02', ''],
  ['CENT-01', 'Benchtop Centrifuge', 'Centrifuge', 'Thermo Fisher', 'Sorvall ST 8', 'area-prep', 'cannabinoids,pesticides', '2023-09-12', 'JT', '42148765', '2020-11-09', ''],
  ['PIP-01', 'Pipette 100-1000 uL', 'Pipette', 'Mettler Toledo', 'Rainin Pipet-Lite XLS+ L-1000XLS+', 'area-potency', 'cannabinoids', '2024-03-01', 'MA', 'D1148392K', '2021-03-15', 'Gravimetric check quarterly.'],
  ['PIP-02', 'Pipette 10-100 uL', 'Pipette', 'Mettler Toledo', 'Rainin Pipet-Lite XLS+ L-100XLS+', 'area-pesticides', 'pesticides', '2024-03-01', 'PN', 'D1148417K', '2021-03-15', ''],
  ['PIP-03', 'Pipette 0.5-10 uL', 'Pipette', 'Thermo Fisher', 'Finnpipette F1 0.5-10 uL', 'area-metals', 'heavy_metals', '2024-03-01', 'RK', 'NH61234', '2022-02-07', ''],
  ['PIP-04', 'Multichannel Pipette', 'Pipette', 'Thermo Fisher', 'Finnpipette F1 8-ch 30-300 uL', 'area-micro', 'microbials', 0, '', 'PH98765', '2024-04-10', 'New, not yet verified.'],
  ['UPLC-PDA-01', 'Terpene UPLC', 'HPLC', 'Waters', 'ACQUITY UPLC H-Class PLUS', 'area-potency', 'cannabinoids,terpenes', '2023-07-27', 'JT', 'H21UPB123M', '2020-06-30', ''],
];

const OTHER_LAB_ROWS: Row[] = [
  ['HPLC-A', 'Potency HPLC', 'HPLC', 'Shimadzu', 'LC-2050C 3D', 'area-potency', 'cannabinoids', '2024-01-30', 'MA', 'L21205067890', '2022-04-04', ''],
  ['GCMS-A', 'Solvents GC-MS', 'GC-MS', 'Agilent', '8860 / 5977B', 'area-solvents', 'residual_solvents', '2023-11-02', 'RK', 'CN2209A112', '2022-04-04', ''],
  ['ICPMS-A', 'Metals ICP-MS', 'ICP-MS', 'Shimadzu', 'ICPMS-2030', 'area-metals', 'heavy_metals', '2024-02-15', 'RK', 'A30455801234', '2022-07-18', ''],
  ['BAL-A', 'Analytical Balance', 'Balance', 'Mettler Toledo', 'MS104TS', 'area-receiving', '', '2024-03-28', 'DO', 'C023456789', '2022-04-04', ''],
  ['MOIST-A', 'Moisture Analyzer', 'Moisture Analyzer', 'Mettler Toledo', 'HE53', 'area-prep', 'moisture', '2024-02-02', 'JT', 'C034567890', '2022-04-04', ''],
];

function toFields(row: Row, updatedBy: string, updatedAt: string): Fields {
  const [id, name, type, vendor, model, area, analyses, calibratedAt, by, serial, acquired, description] = row;
  return {
    instrument_id: id,
    name,
    instrument_type: type,
    vendor,
    model,
    serial_number: serial,
    area_id: area,
    area_name: AREAS[area],
    analyses,
    calibrated_at: calibratedAt,
    calibrated_by: by,
    initials: by || 'DO',
    description,
    date: `${acquired}T00:00:00Z`,
    data_path: `\\\\lab-nas\\instruments\\${id.toLowerCase()}`,
    updated_at: updatedAt,
    updated_by: updatedBy,
  };
}

export function loadDemoData(store: InstrumentStore): void {
  TEST_COMPANY_ROWS.forEach((row, i) => {
    const at = `2024-04-${String(10 + (i % 18)).padStart(2, '0')}T09:${String(10 + i).padStart(2, '0')}:31.482913`;
    store.upsert(TEST_COMPANY, row[0], toFields(row, i % 3 === 0 ? USERS.owner.uid : USERS.member.uid, at));
  });
  OTHER_LAB_ROWS.forEach((row, i) => {
    store.upsert(OTHER_LAB, row[0], toFields(row, USERS.outsider.uid, `2024-03-0${i + 1}T16:45:02.118204`));
  });
}

const GENERATED_KINDS = [
  ['HPLC', 'Agilent', '1260 Infinity II', 'area-potency', 'cannabinoids'],
  ['HPLC', 'Shimadzu', 'Nexera-i LC-2040C 3D Plus', 'area-potency', 'cannabinoids'],
  ['HPLC', 'Waters', 'ACQUITY Arc', 'area-potency', 'cannabinoids'],
  ['GC-MS', 'Agilent', '8890 / 5977B', 'area-solvents', 'terpenes'],
  ['GC-MS', 'Thermo Fisher', 'ISQ 7610', 'area-solvents', 'residual_solvents'],
  ['GC-FID', 'PerkinElmer', 'Clarus 590', 'area-solvents', 'residual_solvents'],
  ['LC-MS/MS', 'Shimadzu', 'LCMS-8050', 'area-pesticides', 'pesticides,mycotoxins'],
  ['LC-MS/MS', 'Waters', 'Xevo TQ-XS', 'area-pesticides', 'pesticides'],
  ['ICP-MS', 'PerkinElmer', 'NexION 1000', 'area-metals', 'heavy_metals'],
  ['ICP-MS', 'Thermo Fisher', 'iCAP RQplus', 'area-metals', 'heavy_metals'],
  ['Balance', 'Mettler Toledo', 'XPR105', 'area-receiving', ''],
  ['Moisture Analyzer', 'Mettler Toledo', 'HC103', 'area-prep', 'moisture'],
  ['Pipette', 'Mettler Toledo', 'Rainin Pipet-Lite XLS+', 'area-prep', ''],
  ['Pipette', 'Thermo Fisher', 'Finnpipette F2', 'area-prep', ''],
] as const;

/**
 * `count` more instruments for test-company, the same for the same seed. Ids `GEN-000001`...
 * sort after the demo ids and keep Firestore's id order equal to generation order.
 */
export function loadGeneratedInstruments(store: InstrumentStore, count: number, seed: number): void {
  const random = createRandom(seed ^ 0x5eed_ca11);
  const initials = Object.keys(ANALYSTS);
  const uids = [USERS.owner.uid, USERS.member.uid, USERS.qa.uid];
  for (let i = 1; i <= count; i++) {
    const [type, vendor, model, area, analyses] = random.pick(GENERATED_KINDS);
    const id = `GEN-${String(i).padStart(6, '0')}`;
    const by = random.pick(initials);
    const calibrated = random.chance(0.85);
    const day = (n: number) => String(n).padStart(2, '0');
    store.upsert(TEST_COMPANY, id, {
      instrument_id: id,
      name: `${type} ${i}`,
      instrument_type: type,
      vendor,
      model,
      serial_number: `${vendor.slice(0, 2).toUpperCase()}${random.int(100000, 999999)}`,
      area_id: area,
      area_name: AREAS[area],
      analyses,
      calibrated_at: calibrated ? `202${random.int(2, 4)}-${day(random.int(1, 12))}-${day(random.int(1, 28))}` : 0,
      calibrated_by: calibrated ? by : '',
      initials: by,
      description: '',
      date: `20${random.int(15, 23)}-${day(random.int(1, 12))}-${day(random.int(1, 28))}T00:00:00Z`,
      data_path: '',
      updated_at: `2024-0${random.int(1, 9)}-${day(random.int(1, 28))}T${day(random.int(0, 23))}:${day(random.int(0, 59))}:${day(random.int(0, 59))}.${String(random.int(0, 999999)).padStart(6, '0')}`,
      updated_by: random.pick(uids),
    });
  }
}
