import { createRandom } from '../common/random';
import { CATALOG_USERS } from './catalog-auth';
import type { CatalogState, CategoryRecord, InstrumentRecord } from './catalog-store';

/**
 * Demo data: the real service's seed rows (db_init.py and the API doc examples) plus a lab
 * inventory, so BenchSync has something that looks like its domain. Everything here is pure
 * and deterministic: the same (records, seed) always gives the same state.
 */

const MEMBER = CATALOG_USERS.member;
const OTHER = CATALOG_USERS.other;

const SEED_CATEGORIES: CategoryRecord[] = [
  {
    id: 1,
    name: 'Strings',
    description:
      'Instruments which create sound through the vibration of tensioned\nstrings. The strings may be set in motion in various ways, including\nplucking, striking, bowing, or even wind.',
  },
  { id: 2, name: 'Winds', description: 'Instruments which create sound from a vibrating column of air.' },
  { id: 3, name: 'Percussion', description: 'Instruments which are *struck*, shaken, or scraped.' },
  { id: 4, name: 'Electronic', description: 'Instruments which create sound with electronic circuits.' },
];

const SEED_INSTRUMENTS: InstrumentRecord[] = [
  {
    id: 1,
    name: 'Pedal Harp',
    description:
      'Pedal harps generally have 48 strings which are plucked with the\nfingers. The strings are tuned to a diatonic scale, but the set of\nnotes can be quickly changed by using the pedals.\n\nThe instrument has 7 pedals, each of which controls the pitch of\none note name (every octave of a single note, such as C).',
    image: 'https://upload.wikimedia.org/wikipedia/commons/thumb/9/94/Harp.svg/220px-Harp.svg.png',
    categoryId: 1,
    alternateNames: ['Concert Harp', 'Orchestral Harp'],
    ownerId: OTHER,
  },
  {
    id: 2,
    name: 'Lever Harp',
    description: 'It’s another type of harp!',
    image: null,
    categoryId: 1,
    alternateNames: ['Celtic Harp', 'Folk Harp'],
    ownerId: OTHER,
  },
  { id: 3, name: 'Flute', description: 'You blow across it and make noise.', image: null, categoryId: 2, alternateNames: [], ownerId: OTHER },
  { id: 4, name: 'Tambourine', description: 'You *shake* it or hit it.', image: null, categoryId: 3, alternateNames: [], ownerId: OTHER },
  { id: 5, name: 'Theremin', description: 'You play it **without touching it**.', image: null, categoryId: 4, alternateNames: [], ownerId: OTHER },
];

interface LabCategory {
  name: string;
  description: string;
  /** Asset-tag prefix for generated records. */
  tag: string;
}

const LAB_CATEGORIES: LabCategory[] = [
  { name: 'Spectroscopy', tag: 'SPEC', description: 'Instruments that measure how samples **absorb, emit or scatter** light.' },
  { name: 'Chromatography', tag: 'CHRO', description: 'Separation systems: *HPLC*, *GC*, *FPLC* and ion chromatography.' },
  { name: 'Microscopy', tag: 'MICR', description: 'Light and electron microscopes.\n\nBook time on shared scopes in the facility calendar.' },
  { name: 'Balances & Scales', tag: 'BAL', description: 'Weighing instruments. Calibrate **daily** with the check weights in drawer B.' },
  { name: 'Centrifuges', tag: 'CENT', description: 'Micro, benchtop and ultracentrifuges.\n\n> Always balance the rotor.' },
  { name: 'Thermal', tag: 'THRM', description: 'Ovens, furnaces, baths, incubators and calorimeters.' },
  { name: 'Liquid Handling', tag: 'LIQ', description: 'Pipettes, dispensers, pumps and liquid-handling robots.' },
  { name: 'Molecular Biology', tag: 'MOLB', description: 'PCR, qPCR and electrophoresis equipment.' },
];

interface LabTemplate {
  category: string;
  name: string;
  vendor: string;
  model: string;
  summary: string;
  specs: string[];
  alternateNames: string[];
  owner: number;
}

const LAB_INSTRUMENTS: LabTemplate[] = [
  { category: 'Spectroscopy', name: 'UV-Vis Spectrophotometer', vendor: 'Agilent Technologies', model: 'Cary 60', summary: 'Double-beam UV-Vis with a xenon flash lamp; fine for routine absorbance scans.', specs: ['Range: 190–1100 nm', 'Bandwidth: 1.5 nm'], alternateNames: ['UV-Vis', 'Cary 60'], owner: MEMBER },
  { category: 'Spectroscopy', name: 'Microvolume Spectrophotometer', vendor: 'Thermo Scientific', model: 'NanoDrop One', summary: 'Nucleic acid and protein quantification from 1 µL.', specs: ['Sample volume: 1–2 µL', 'Pathlength: 0.03–1.0 mm'], alternateNames: ['NanoDrop'], owner: MEMBER },
  { category: 'Spectroscopy', name: 'FTIR Spectrometer', vendor: 'Bruker', model: 'ALPHA II', summary: 'Compact FT-IR with a diamond ATR module.', specs: ['Range: 4000–400 cm⁻¹', 'Resolution: 2 cm⁻¹'], alternateNames: ['FT-IR', 'Infrared Spectrometer'], owner: OTHER },
  { category: 'Spectroscopy', name: 'Fluorescence Spectrometer', vendor: 'HORIBA', model: 'FluoroMax-4', summary: 'Steady-state fluorescence with a 150 W xenon lamp.', specs: ['Excitation: 220–850 nm'], alternateNames: ['Spectrofluorometer', 'Fluorimeter'], owner: OTHER },
  { category: 'Spectroscopy', name: 'Microplate Reader', vendor: 'Agilent BioTek', model: 'Synergy H1', summary: 'Hybrid monochromator/filter reader for 6- to 384-well plates.', specs: ['Modes: absorbance, fluorescence, luminescence', 'Incubation to 45 °C'], alternateNames: ['Plate Reader', 'Multimode Reader'], owner: MEMBER },
  { category: 'Spectroscopy', name: 'Benchtop NMR Spectrometer', vendor: 'Magritek', model: 'Spinsolve 60', summary: 'Cryogen-free 60 MHz NMR for reaction monitoring.', specs: ['Nuclei: ¹H, ¹⁹F, ¹³C'], alternateNames: ['NMR'], owner: OTHER },
  { category: 'Chromatography', name: 'HPLC System', vendor: 'Agilent Technologies', model: '1260 Infinity II', summary: 'Quaternary pump, autosampler and diode-array detector.', specs: ['Pressure: up to 600 bar', 'Flow: 0.2–10 mL/min'], alternateNames: ['HPLC', 'High-Performance Liquid Chromatograph'], owner: MEMBER },
  { category: 'Chromatography', name: 'Gas Chromatograph', vendor: 'Shimadzu', model: 'Nexis GC-2030', summary: 'Split/splitless inlet with an FID.', specs: ['Oven: ambient +4 to 450 °C'], alternateNames: ['GC', 'GC-FID'], owner: OTHER },
  { category: 'Chromatography', name: 'GC-MS System', vendor: 'Agilent Technologies', model: '8890 GC / 5977B MSD', summary: 'Single-quadrupole GC-MS with an EI source.', specs: ['Mass range: 1.6–1050 u'], alternateNames: ['Gas Chromatography–Mass Spectrometry'], owner: OTHER },
  { category: 'Chromatography', name: 'FPLC System', vendor: 'Cytiva', model: 'ÄKTA pure 25', summary: 'Protein purification with UV, conductivity and pH monitoring.', specs: ['Flow: 0.001–25 mL/min', 'Pressure: up to 20 MPa'], alternateNames: ['ÄKTA', 'Protein Purifier'], owner: MEMBER },
  { category: 'Chromatography', name: 'Ion Chromatograph', vendor: 'Metrohm', model: '930 Compact IC Flex', summary: 'Anion analysis with suppressed conductivity detection.', specs: ['Eluent: carbonate/bicarbonate'], alternateNames: ['IC'], owner: OTHER },
  { category: 'Microscopy', name: 'Inverted Fluorescence Microscope', vendor: 'Nikon', model: 'Eclipse Ts2R', summary: 'Routine live-cell imaging with LED epi-fluorescence.', specs: ['Objectives: 4×, 10×, 20×, 40×', 'Camera: DS-Fi3'], alternateNames: ['Inverted Microscope'], owner: MEMBER },
  { category: 'Microscopy', name: 'Confocal Laser Scanning Microscope', vendor: 'Carl Zeiss', model: 'LSM 900 with Airyscan 2', summary: 'Shared facility confocal; training required before booking.', specs: ['Lasers: 405, 488, 561, 640 nm'], alternateNames: ['Confocal', 'CLSM'], owner: OTHER },
  { category: 'Microscopy', name: 'Stereo Microscope', vendor: 'Leica Microsystems', model: 'S9i', summary: 'Dissection and colony picking, with an integrated 10 MP camera.', specs: ['Zoom: 0.6×–5.5×'], alternateNames: ['Dissecting Microscope'], owner: MEMBER },
  { category: 'Microscopy', name: 'Scanning Electron Microscope', vendor: 'Thermo Fisher Scientific', model: 'Phenom XL G2', summary: 'Desktop SEM with an EDS detector.', specs: ['Resolution: < 10 nm', 'Sample: up to 100 × 100 mm'], alternateNames: ['SEM', 'Desktop SEM'], owner: OTHER },
  { category: 'Microscopy', name: 'Upright Compound Microscope', vendor: 'Evident (Olympus)', model: 'CX43', summary: 'Teaching and routine brightfield microscope.', specs: ['Objectives: 4×–100× oil'], alternateNames: ['Compound Microscope'], owner: OTHER },
  { category: 'Balances & Scales', name: 'Analytical Balance', vendor: 'Mettler Toledo', model: 'XPR205', summary: 'Semi-micro balance in the weighing room; use the draft shield.', specs: ['Capacity: 220 g', 'Readability: 0.01 mg'], alternateNames: ['Semi-micro Balance'], owner: MEMBER },
  { category: 'Balances & Scales', name: 'Precision Balance', vendor: 'Sartorius', model: 'Quintix 5102-1S', summary: 'Top-loading balance for buffers and media.', specs: ['Capacity: 5100 g', 'Readability: 0.01 g'], alternateNames: ['Top-loading Balance', 'Toploader'], owner: OTHER },
  { category: 'Balances & Scales', name: 'Moisture Analyzer', vendor: 'OHAUS', model: 'MB120', summary: 'Halogen drying for loss-on-drying measurements.', specs: ['Capacity: 120 g', 'Temperature: 40–230 °C'], alternateNames: ['Moisture Balance'], owner: OTHER },
  { category: 'Balances & Scales', name: 'Microbalance', vendor: 'Mettler Toledo', model: 'XPR6U', summary: 'Ultra-micro balance for filters and small samples.', specs: ['Capacity: 6.1 g', 'Readability: 0.1 µg'], alternateNames: ['Ultra-micro Balance'], owner: OTHER },
  { category: 'Centrifuges', name: 'Refrigerated Microcentrifuge', vendor: 'Eppendorf', model: '5425 R', summary: '24-place microcentrifuge with cooling to −10 °C.', specs: ['Max speed: 21,300 × g'], alternateNames: ['Microfuge', 'Cold Centrifuge'], owner: MEMBER },
  { category: 'Centrifuges', name: 'Benchtop Centrifuge', vendor: 'Thermo Scientific', model: 'Sorvall ST 16R', summary: 'Swing-bucket rotor for 15/50 mL tubes and plates.', specs: ['Max speed: 25,830 × g'], alternateNames: ['Swing-bucket Centrifuge'], owner: OTHER },
  { category: 'Centrifuges', name: 'Ultracentrifuge', vendor: 'Beckman Coulter', model: 'Optima XPN-100', summary: 'Floor model; rotor log must be filled in after every run.', specs: ['Max speed: 100,000 rpm'], alternateNames: ['Ultra'], owner: OTHER },
  { category: 'Centrifuges', name: 'Mini Centrifuge', vendor: 'Corning', model: 'LSE', summary: 'Quick spins of PCR strips and microtubes.', specs: ['Fixed speed: 6,000 rpm'], alternateNames: ['Quick Spin', 'Tabletop Spinner'], owner: OTHER },
  { category: 'Thermal', name: 'Dry Block Heater', vendor: 'Eppendorf', model: 'ThermoMixer C', summary: 'Heating, cooling and mixing with exchangeable blocks.', specs: ['Temperature: 15 °C below ambient to 100 °C'], alternateNames: ['ThermoMixer', 'Heat Block'], owner: MEMBER },
  { category: 'Thermal', name: 'Forced-Air Drying Oven', vendor: 'Memmert', model: 'UF55', summary: 'Glassware drying and sample conditioning.', specs: ['Volume: 53 L', 'Temperature: up to 300 °C'], alternateNames: ['Drying Oven'], owner: OTHER },
  { category: 'Thermal', name: 'Muffle Furnace', vendor: 'Thermo Scientific', model: 'Thermolyne F48055-60', summary: 'Ashing and heat treatment.', specs: ['Temperature: up to 1200 °C'], alternateNames: ['Ashing Furnace'], owner: OTHER },
  { category: 'Thermal', name: 'Differential Scanning Calorimeter', vendor: 'TA Instruments', model: 'DSC 2500', summary: 'Heat-flow DSC with an RCS90 cooler.', specs: ['Temperature: −90 to 550 °C'], alternateNames: ['DSC'], owner: OTHER },
  { category: 'Thermal', name: 'Refrigerated Circulating Bath', vendor: 'JULABO', model: 'CORIO CD-200F', summary: 'Cools the rotary evaporator condenser.', specs: ['Temperature: −20 to 150 °C'], alternateNames: ['Chiller', 'Circulator'], owner: OTHER },
  { category: 'Thermal', name: 'CO2 Incubator', vendor: 'Thermo Scientific', model: 'Heracell VIOS 160i', summary: 'Mammalian cell culture at 37 °C and 5 % CO₂.', specs: ['Volume: 165 L', 'Copper interior'], alternateNames: ['Cell Culture Incubator'], owner: OTHER },
  { category: 'Liquid Handling', name: 'Automated Liquid Handler', vendor: 'Opentrons', model: 'OT-2', summary: 'Open-source pipetting robot with single- and 8-channel pipettes.', specs: ['Deck: 11 slots', 'Volume: 1–1000 µL'], alternateNames: ['Pipetting Robot', 'OT-2'], owner: MEMBER },
  { category: 'Liquid Handling', name: 'Electronic Multichannel Pipette', vendor: 'Sartorius', model: 'Picus 2, 8-channel', summary: 'Programmable multi-dispense for plate work.', specs: ['Volume: 10–300 µL'], alternateNames: ['Multichannel Pipette'], owner: OTHER },
  { category: 'Liquid Handling', name: 'Bottle-top Dispenser', vendor: 'BRAND', model: 'Dispensette S', summary: 'Dispensing acids and solvents straight from the bottle.', specs: ['Volume: 2.5–25 mL'], alternateNames: ['Dispensette'], owner: OTHER },
  { category: 'Liquid Handling', name: 'Peristaltic Pump', vendor: 'Masterflex', model: 'L/S 07522-20', summary: 'Variable-speed pump for media transfer.', specs: ['Speed: 6–600 rpm'], alternateNames: ['Tubing Pump'], owner: OTHER },
  { category: 'Molecular Biology', name: 'Real-Time PCR System', vendor: 'Bio-Rad', model: 'CFX Opus 96', summary: 'Five-channel qPCR with a thermal gradient.', specs: ['Block: 96 wells', 'Channels: 5'], alternateNames: ['qPCR', 'Real-Time Thermal Cycler'], owner: MEMBER },
  { category: 'Molecular Biology', name: 'Thermal Cycler', vendor: 'Applied Biosystems', model: 'ProFlex 3 × 32-well', summary: 'Three independent blocks for end-point PCR.', specs: ['Ramp rate: 6 °C/s'], alternateNames: ['PCR Machine', 'Thermocycler'], owner: OTHER },
  { category: 'Molecular Biology', name: 'Gel Documentation System', vendor: 'Bio-Rad', model: 'Gel Doc EZ', summary: 'UV, blue and white trays for gels and blots.', specs: ['Camera: 1.4 MP CCD'], alternateNames: ['Gel Imager'], owner: OTHER },
  { category: 'Molecular Biology', name: 'Automated Electrophoresis System', vendor: 'Agilent Technologies', model: '4200 TapeStation', summary: 'DNA and RNA sizing and integrity (RIN) from ScreenTapes.', specs: ['Throughput: 1–96 samples'], alternateNames: ['TapeStation'], owner: MEMBER },
];

const ROOMS = ['B108', 'B112', 'B214', 'B216', 'C301', 'C305', 'Core Facility', 'Cold Room', 'Weighing Room'];

function describe(t: LabTemplate, extra: string[] = []): string {
  return [
    `**Vendor:** ${t.vendor}  \n**Model:** ${t.model}`,
    t.summary,
    [...t.specs, ...extra].map((s) => `- ${s}`).join('\n'),
  ].join('\n\n');
}

/** The fixed demo rows: seed categories 1–4, lab categories 5+, seed instruments 1–5, lab instruments 6+. */
export function demoState(): CatalogState {
  const categories = [
    ...SEED_CATEGORIES,
    ...LAB_CATEGORIES.map((c, i) => ({ id: SEED_CATEGORIES.length + 1 + i, name: c.name, description: c.description })),
  ];
  const categoryId = new Map(categories.map((c) => [c.name, c.id]));
  const instruments: InstrumentRecord[] = [
    ...SEED_INSTRUMENTS,
    ...LAB_INSTRUMENTS.map((t, i) => ({
      id: SEED_INSTRUMENTS.length + 1 + i,
      name: t.name,
      description: describe(t, [`Location: ${ROOMS[i % ROOMS.length]}`]),
      image: null,
      categoryId: categoryId.get(t.category)!,
      alternateNames: [...t.alternateNames],
      ownerId: t.owner,
    })),
  ];
  return {
    categories,
    instruments,
    nextCategoryId: categories.length + 1,
    nextInstrumentId: instruments.length + 1,
  };
}

/**
 * `count` extra lab instruments, deterministic from `seed`, ids from `firstId`. Names carry an
 * asset tag so they are unique; about one in ten belongs to `member` so `/myinstruments/` scales too.
 */
export function generateInstruments(count: number, seed: number, firstId: number): InstrumentRecord[] {
  const random = createRandom(seed);
  const categoryIdByName = new Map(
    LAB_CATEGORIES.map((c, i) => [c.name, { id: SEED_CATEGORIES.length + 1 + i, tag: c.tag }]),
  );
  const out: InstrumentRecord[] = new Array(count);
  for (let n = 0; n < count; n++) {
    const t = random.pick(LAB_INSTRUMENTS);
    const category = categoryIdByName.get(t.category)!;
    const assetTag = `${category.tag}-${String(n + 1).padStart(6, '0')}`;
    const serial = Math.floor(random.next() * 36 ** 6).toString(36).toUpperCase().padStart(6, '0');
    const room = random.pick(ROOMS);
    const alternateNames = [`${t.vendor} ${t.model}`, `Asset ${assetTag}`].slice(0, random.int(0, 2));
    out[n] = {
      id: firstId + n,
      name: `${t.name} ${assetTag}`,
      description: describe(t, [`Serial number: ${serial}`, `Location: ${room}`]),
      image: null,
      categoryId: category.id,
      alternateNames,
      ownerId: random.chance(0.1) ? MEMBER : OTHER,
    };
  }
  return out;
}

/** Demo rows plus `records` generated ones. */
export function initialCatalogState(records = 0, seed = 1): CatalogState {
  const state = demoState();
  if (records > 0) {
    // concat, not push(...spread): spreading 100k arguments overflows the stack.
    state.instruments = state.instruments.concat(generateInstruments(records, seed, state.nextInstrumentId));
    state.nextInstrumentId += records;
  }
  return state;
}
