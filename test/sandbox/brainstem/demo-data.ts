/**
 * Demo data of a plausible systems-neuroscience lab, plus `records` generated equipment rows.
 * Ids come from a fixed seed so the demo looks the same on every run; generated rows follow
 * `options.seed`.
 */
import { createRandom, seededUuid, type Random } from '../common/random';
import { USER_BY_ROLE } from './auth';
import { rridUrl } from './consumable-routes';
import { COORDINATE_SYSTEMS, COORDINATES_VALUE_UNIT_SCHEMA_VERSION, DEFAULT_SCHEMA_VERSION, EQUIPMENT_TYPES, type CoordinateSystem } from './schemas';
import type { ApprovalRow, BrainstemStore, ConsumableRow, EquipmentRow, ExternalIdentifier, HardwareDeviceRow, SetupRow, SupplierRow } from './store';

const DEMO_SEED = 0x5e7b2a11;

const member = USER_BY_ROLE.member.id;
const other = USER_BY_ROLE.other.id;
const admin = USER_BY_ROLE.admin.id;

/** setup_type taxonomy ids (taxonomies are not emulated; the ids only need to look real). */
const SETUP_TYPES = {
  ephys: 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f601',
  imaging: 'b4e2d3c5-6c7f-4081-9ba2-c3d4e5f60712',
  behavior: 'c5f3e4d6-7d80-4192-acb3-d4e5f6071823',
  surgery: 'd6a4f5e7-8e91-42a3-bdc4-e5f607182934',
};

interface SetupSeed {
  key: string;
  name: string;
  location: string;
  description: string;
  type: keyof typeof SETUP_TYPES;
  isPublic: boolean;
  contributors: number[];
  readers: number[];
  specifications: Record<string, unknown>;
}

/** `member` contributes to most setups; `other` contributes to two, reads two, and cannot see the surgery room. */
const SETUPS: SetupSeed[] = [
  {
    key: 'ephys2',
    name: 'Ephys Rig 2 — Room B214',
    location: 'Neuroscience Building, Room B214',
    description: 'Head-fixed acute silicon-probe recordings in awake mice; Faraday cage on an air table.',
    type: 'ephys',
    isPublic: false,
    contributors: [member],
    readers: [other],
    specifications: { faradayCage: true, samplingRateHz: 30000 },
  },
  {
    key: '2p',
    name: '2P Imaging Suite',
    location: 'Neuroscience Building, Room B220',
    description: 'Resonant-scanning two-photon microscope for chronic GCaMP imaging through cranial windows.',
    type: 'imaging',
    isPublic: true,
    contributors: [member, other],
    readers: [],
    specifications: { laserWavelengthNm: 920, frameRateHz: 30 },
  },
  {
    key: 'fp',
    name: 'Fiber Photometry Bay — Room B210',
    location: 'Neuroscience Building, Room B210',
    description: 'Two-site fiber photometry (465/405 nm) during operant behaviour.',
    type: 'imaging',
    isPublic: true,
    contributors: [member],
    readers: [other],
    specifications: { excitationNm: [405, 465] },
  },
  {
    key: 'behavior',
    name: 'Behavior Training Boxes (x6)',
    location: 'Neuroscience Building, Room B118',
    description: 'Six sound-attenuated operant boxes with lick ports and Bpod controllers.',
    type: 'behavior',
    isPublic: false,
    contributors: [member, other],
    readers: [],
    specifications: { boxes: 6 },
  },
  {
    key: 'surgery',
    name: 'Surgery & Stereotaxic Station',
    location: 'Vivarium, Procedure Room 3',
    description: 'Aseptic stereotaxic surgery: viral injections, fiber and GRIN lens implants.',
    type: 'surgery',
    isPublic: false,
    contributors: [member],
    readers: [],
    specifications: {},
  },
  {
    key: 'miniscope',
    name: 'Miniscope Open-Field Arena',
    location: 'Neuroscience Building, Room B122',
    description: 'Freely moving calcium imaging with UCLA Miniscope v4 in a 50 cm open field.',
    type: 'imaging',
    isPublic: false,
    contributors: [other],
    readers: [member],
    specifications: { arenaCm: 50 },
  },
];

const SUPPLIERS: Array<[string, string, string]> = [
  ['Thermo Fisher Scientific', 'Reagents, antibodies and lab consumables (Invitrogen, Gibco).', 'https://www.thermofisher.com'],
  ['Sigma-Aldrich', 'Chemicals and reagents (Merck KGaA).', 'https://www.sigmaaldrich.com'],
  ['Doric Lenses', 'Fiber photometry and optogenetics hardware and fiber-optic cannulas.', 'https://doriclenses.com'],
  ['NeuroNexus', 'Silicon microelectrode arrays for neural recording.', 'https://www.neuronexus.com'],
  ['Addgene', 'Nonprofit plasmid repository and viral vector service.', 'https://www.addgene.org'],
  ['Cambridge NeuroTech', 'Silicon probes and chronic implant hardware.', 'https://www.cambridgeneurotech.com'],
  ['Thorlabs', 'Optomechanics, optics, lasers and fiber components.', 'https://www.thorlabs.com'],
  ['Intan Technologies', 'Electrophysiology amplifier chips and headstages.', 'https://intantech.com'],
  ['A-M Systems', 'Microelectrodes, wire and electrophysiology instruments.', 'https://www.a-msystems.com'],
];

const HARDWARE: Array<[string, string, string, string]> = [
  ['Intan RHD2132 headstage', '32-channel amplifier headstage with SPI interface.', 'Intan Technologies', 'RRID:SCR_019278'],
  ['Intan RHD USB interface board', 'USB acquisition board for up to 256 RHD channels.', 'Intan Technologies', ''],
  ['Doric FP console (2 sites)', 'Fiber photometry console with lock-in demodulation.', 'Doric Lenses', ''],
  ['Thorlabs PM100D power meter', 'Handheld optical power meter console.', 'Thorlabs', ''],
  ['Thorlabs M470F3 fiber-coupled LED', '470 nm fiber-coupled LED, 17.2 mW.', 'Thorlabs', ''],
];

type ConsumableSeed = [name: string, type: string, supplier: string, description: string, details: Record<string, unknown>, rrid?: string, ids?: ExternalIdentifier[]];

const CONSUMABLES: ConsumableSeed[] = [
  ['AAV9-hSyn-GCaMP6f-WPRE-SV40', 'VirusConstruct', 'Addgene', 'Pan-neuronal GCaMP6f for calcium imaging.', { virus_type: 'AAV', serotype: '9', titer: '2.1e13 GC/mL', notes: 'Addgene #100837' }, 'RRID:Addgene_100837'],
  ['AAV1-Syn-jGCaMP7s-WPRE', 'VirusConstruct', 'Addgene', 'Sensitive jGCaMP7s for 2P imaging.', { virus_type: 'AAV', serotype: '1', titer: '1.9e13 GC/mL' }, 'RRID:Addgene_104487'],
  ['AAV5-hSyn-hChR2(H134R)-EYFP', 'VirusConstruct', 'Addgene', 'Channelrhodopsin for optogenetic activation.', { virus_type: 'AAV', serotype: '5', titer: '1.0e13 GC/mL' }, 'RRID:Addgene_26973'],
  ['AAV5-CaMKIIa-eNpHR3.0-EYFP', 'VirusConstruct', 'Addgene', 'Halorhodopsin for inhibition of excitatory neurons.', { virus_type: 'AAV', serotype: '5' }, 'RRID:Addgene_26971'],
  ['AAVretro-hSyn-Cre-WPRE', 'VirusConstruct', 'Addgene', 'Retrograde Cre delivery.', { virus_type: 'AAV', serotype: 'retrograde' }, 'RRID:Addgene_105553'],
  ['AAV-EF1a-mCherry-IRES-WGA-Cre', 'VirusConstruct', 'Addgene', 'Transsynaptic Tracers: WGA-Cre (AAV2, 5 & 8)', { virus_type: 'AAV', notes: 'Transsynaptic Tracers: WGA-Cre (AAV2, 5 & 8)' }],
  ['AAV9-hSyn-GRAB-DA2m', 'VirusConstruct', 'Addgene', 'Dopamine sensor for fiber photometry.', { virus_type: 'AAV', serotype: '9' }, 'RRID:Addgene_140553'],
  ['A1x32-Poly2-5mm-50s-177', 'SiliconProbeDesign', 'NeuroNexus', '32-channel two-column probe.', { product_id: 'A1x32-Poly2-5mm-50s-177', shanksLength: 5, nChannels: 32, nShanks: 1, shanksSpacing: 0, siteArea: 177, layout: 'poly2', uniformLayout: true, customDesign: false }],
  ['A4x8-5mm-100-200-177', 'SiliconProbeDesign', 'NeuroNexus', '4-shank, 8 sites per shank.', { product_id: 'A4x8-5mm-100-200-177', shanksLength: 5, nChannels: 32, nShanks: 4, shanksSpacing: 200, siteArea: 177, layout: 'linear', uniformLayout: true, customDesign: false }],
  ['A16x1-2mm-100-177', 'SiliconProbeDesign', 'NeuroNexus', '', { product_id: 'A16x1-2mm-100-177', shanksLength: 2, nChannels: 16, nShanks: 1, shanksSpacing: 100, siteArea: 177, layout: 'linear', uniformLayout: true, customDesign: false }],
  ['ASSY-77 H2', 'SiliconProbeDesign', 'Cambridge NeuroTech', '64-channel, 2-shank chronic probe.', { product_id: 'ASSY-77 H2', shanksLength: 9, nChannels: 64, nShanks: 2, shanksSpacing: 250, siteArea: 165, layout: 'linear', uniformLayout: true, customDesign: false }],
  ['ASSY-236 H6b', 'SiliconProbeDesign', 'Cambridge NeuroTech', '64-channel single-shank probe.', { product_id: 'ASSY-236 H6b', shanksLength: 6, nChannels: 64, nShanks: 1, shanksSpacing: 0, siteArea: 165, layout: 'linear', uniformLayout: true, customDesign: false }],
  ['MFC_400/430-0.48_5mm_MF2.5_FLT', 'OpticFiberDesign', 'Doric Lenses', 'Mono fiber-optic cannula, 400 µm core, NA 0.48.', { productId: 'MFC_400/430-0.48_5mm_MF2.5_FLT', tipDescription: 'flat', coreDiameter: 400, outerDiameter: 430, aperture: 0.48 }],
  ['MFC_200/245-0.37_3mm_ZF1.25_FLT', 'OpticFiberDesign', 'Doric Lenses', 'Mono fiber-optic cannula, 200 µm core, NA 0.37.', { productId: 'MFC_200/245-0.37_3mm_ZF1.25_FLT', tipDescription: 'flat', coreDiameter: 200, outerDiameter: 245, aperture: 0.37 }],
  ['CFMLC14L05', 'OpticFiberDesign', 'Thorlabs', 'Ø400 µm core, 0.50 NA fiber-optic cannula, 5 mm.', { productId: 'CFMLC14L05', tipDescription: 'flat', coreDiameter: 400, outerDiameter: 1250, aperture: 0.5 }],
  ['Tungsten microwire 50 µm, PFA coated', 'WireElectrode', 'A-M Systems', 'For tetrodes and single-wire implants.', { material: 'Tungsten', diameterUm: 50, coating: 'PFA' }],
  ['Stainless steel wire 0.005 in, bare', 'WireElectrode', 'A-M Systems', 'Ground and reference wires.', { material: 'Stainless steel', diameterUm: 127, coating: 'none' }],
  ['Paraformaldehyde 16% solution, EM grade', 'ChemicalReagent', 'Thermo Fisher Scientific', 'Perfusion fixative, dilute to 4% in PBS.', { chemicalType: 'Fixative', catalogNumber: '28908' }],
  ['Triton X-100', 'ChemicalReagent', 'Sigma-Aldrich', 'Non-ionic detergent for permeabilisation.', { chemicalType: 'Detergent', catalogNumber: 'T8787' }],
  ['DAPI dihydrochloride', 'ChemicalReagent', 'Thermo Fisher Scientific', 'Nuclear counterstain.', { chemicalType: 'Stain or Dye', catalogNumber: 'D1306' }],
  ['Isoflurane USP, 250 mL', 'PharmacologicalAgent', 'Sigma-Aldrich', 'Inhalation anaesthetic.', { activeIngredient: 'Isoflurane', category: 'Anesthetic' }],
  ['Clozapine N-oxide (CNO)', 'PharmacologicalAgent', 'Sigma-Aldrich', 'DREADD agonist.', { activeIngredient: 'Clozapine N-oxide', category: 'Chemogenetic ligand', catalogNumber: 'C0832' }],
  ['Buprenorphine SR 1 mg/mL', 'PharmacologicalAgent', 'Sigma-Aldrich', 'Post-operative analgesia.', { activeIngredient: 'Buprenorphine', category: 'Analgesic' }],
  ['Artificial cerebrospinal fluid (ACSF)', 'PhysiologicalSolution', 'Thermo Fisher Scientific', 'For craniotomy irrigation.', { composition: '125 mM NaCl, 2.5 mM KCl, 1.25 mM NaH2PO4, 25 mM NaHCO3, 2 mM CaCl2, 1 mM MgCl2, 25 mM glucose' }],
  ['Sterile saline 0.9% NaCl', 'PhysiologicalSolution', 'Thermo Fisher Scientific', '', { composition: '0.9% NaCl' }],
  ['GFP Polyclonal Antibody (chicken)', 'ImmunoReagent', 'Thermo Fisher Scientific', 'Invitrogen A10262.', { targetAntigen: 'GFP', reagentType: 'Primary antibody', host: 'Chicken', dilution: '1:1000' }, 'RRID:AB_2534023', [{ Source: 'Other', Identifier: 'A10262', URL: 'https://www.thermofisher.com/antibody/product/A10262' }]],
  ['Goat anti-Chicken IgY, Alexa Fluor 488', 'ImmunoReagent', 'Thermo Fisher Scientific', 'Invitrogen A-11039.', { targetAntigen: 'Chicken IgY', reagentType: 'Secondary antibody', host: 'Goat', dilution: '1:500' }, 'RRID:AB_2534096'],
  ['DiI (DiIC18(3))', 'TracerDye', 'Thermo Fisher Scientific', 'Lipophilic dye for probe track reconstruction.', { dyeType: 'Lipophilic carbocyanine' }],
  ['Cholera toxin subunit B, Alexa Fluor 647', 'TracerDye', 'Thermo Fisher Scientific', 'Retrograde tracer.', { dyeType: 'Retrograde tracer conjugate' }],
  ['GRIN lens 1.0 mm x 4.0 mm', 'OpticalComponent', 'Thorlabs', 'Relay lens for deep-brain miniscope imaging.', { componentType: 'GRIN lens', diameterMm: 1.0, lengthMm: 4.0 }],
  ['Dichroic mirror 495 nm longpass', 'OpticalComponent', 'Thorlabs', '', { componentType: 'Dichroic mirror', cutOnNm: 495 }],
  ['Hamilton Neuros syringe 10 µL, 33 G', 'ConsumableDevice', 'Thermo Fisher Scientific', 'Viral injections.', { deviceClass: 'Microsyringe' }],
  ['C&B Metabond quick adhesive cement kit', 'ImplantMaterial', 'Sigma-Aldrich', 'Headplate and implant fixation.', { Type: 'Dental cement' }],
  ['Sterile absorbent swabs', 'SurgicalDisposable', 'Thermo Fisher Scientific', '', { Type: 'Swab' }],
];

interface EquipmentSeed {
  setup: string;
  name: string;
  type: (typeof EQUIPMENT_TYPES)[number];
  notes: string;
  system: CoordinateSystem;
  coords: Record<string, unknown>;
  date?: string;
  consumable?: string;
  hardware?: string;
}

const ext = (x: number, y: number, z: number, zAngle = 0) => ({ x, y, z, xAngle: 0, yAngle: 0, zAngle });

const EQUIPMENT: EquipmentSeed[] = [
  // Ephys Rig 2
  { setup: 'ephys2', name: 'Intan RHD 128ch amplifier', type: 'Amplifier', notes: 'Two RHD2164 headstages via SPI', system: 'External_XYZ_Absolute', coords: ext(0.42, 0.3, 0.95), hardware: 'Intan RHD2132 headstage', date: '2024-03-05T10:00:00Z' },
  { setup: 'ephys2', name: 'Open Ephys acquisition board', type: 'DataAcquisitionSystem', notes: 'Firmware 0.6.7', system: 'External_XYZ_Absolute', coords: ext(0.8, 0.1, 0.75), hardware: 'Intan RHD USB interface board' },
  { setup: 'ephys2', name: 'Sutter MP-285 micromanipulator', type: 'Micromanipulator', notes: 'Left arm, probe insertion at 10 µm/s', system: 'Stereotaxic_BregmaAbsolute', coords: { apCoordinate: -2.0, mlCoordinate: 1.5, dvCoordinate: -1.8, apAngle: 0, mlAngle: 15, dvAngle: 0 } },
  { setup: 'ephys2', name: 'NeuroNexus A1x32 probe (acute)', type: 'ElectronicComponent', notes: 'Dipped in DiI before each insertion', system: 'Stereotaxic_BregmaBrainSurface', coords: { apCoordinate: -2.0, mlCoordinate: 1.5, depth: 1.6, apAngle: 0, mlAngle: 15, rotation: 90 }, consumable: 'A1x32-Poly2-5mm-50s-177' },
  { setup: 'ephys2', name: 'TMC 63-500 air table', type: 'AntiVibrationTable', notes: '', system: 'External_XYZ_Absolute', coords: ext(0, 0, 0) },
  { setup: 'ephys2', name: 'Faraday cage (custom)', type: 'NoiseIsolationChamber', notes: 'Grounded to building star ground', system: 'External_XYZ_Absolute', coords: ext(0, 0, 0.76) },
  { setup: 'ephys2', name: 'Tektronix TBS2104 oscilloscope', type: 'Oscilloscope', notes: 'Sync pulse monitoring', system: 'External_XYZ_Absolute', coords: ext(1.2, 0.2, 0.9) },
  { setup: 'ephys2', name: 'Styrofoam running wheel', type: 'RunningWheel', notes: '20 cm diameter, rotary encoder 1024 cpr', system: 'External_XYZ_Absolute', coords: ext(0.45, 0.35, 0.82) },
  { setup: 'ephys2', name: 'FLIR Blackfly S pupil camera', type: 'Camera', notes: '100 fps, IR illumination', system: 'External_XYZ_Absolute', coords: ext(0.55, 0.2, 0.88, 35) },
  { setup: 'ephys2', name: 'Recording PC (Ryzen 9, 64 GB)', type: 'Computer', notes: 'Windows 11, Open Ephys GUI 0.6', system: 'External_XYZ_Absolute', coords: ext(1.5, 0.1, 0.0) },
  // 2P Imaging Suite
  { setup: '2p', name: 'Bruker Ultima 2Pplus', type: 'TwoPhotonMicroscope', notes: 'Resonant galvo, 16x/0.8 NA Nikon objective', system: 'External_XYZ_Absolute', coords: ext(120.0, 45.0, 0.0), date: '2023-11-20T09:30:00Z' },
  { setup: '2p', name: 'Coherent Chameleon Discovery NX', type: 'Laser', notes: 'Tuned to 920 nm for GCaMP', system: 'External_XYZ_Absolute', coords: ext(1.8, 0.6, 0.9) },
  { setup: '2p', name: 'Newport RS4000 optical table', type: 'FloatingAirPlatform', notes: '', system: 'External_XYZ_Absolute', coords: ext(0, 0, 0) },
  { setup: '2p', name: 'Hamamatsu H10770PA-40 PMT', type: 'Photodetector', notes: 'Green channel', system: 'External_XYZ_Absolute', coords: ext(0.3, 0.4, 1.2) },
  { setup: '2p', name: 'Linear treadmill (belt, 180 cm)', type: 'Treadmill', notes: 'Textured belt with RFID lap marker', system: 'External_XYZ_Absolute', coords: ext(0.3, 0.45, 0.95) },
  { setup: '2p', name: 'Cranial window (3 mm, V1)', type: 'ElectronicComponent', notes: 'Placeholder for window coordinates per mouse', system: 'CCF_XYZ_Absolute', coords: { x: { value: 9.4, unit: 'mm' }, y: { value: 1.2, unit: 'mm' }, z: { value: 2.8, unit: 'mm' } } },
  { setup: '2p', name: 'ThorSync DAQ (NI USB-6363)', type: 'DataAcquisitionSystem', notes: 'Frame triggers and behaviour TTLs', system: 'External_XYZ_Absolute', coords: ext(1.4, 0.2, 0.6) },
  { setup: '2p', name: 'Dell U2720Q stimulus monitor', type: 'Monitor', notes: 'Gamma-corrected, 60 Hz, 15 cm from eye', system: 'External_XYZ_Absolute', coords: ext(0.15, 0.45, 1.0, 45) },
  // Fiber photometry
  { setup: 'fp', name: 'Doric 2-site FP system', type: 'FiberPhotometrySystem', notes: 'Lock-in at 211/531 Hz', system: 'External_XYZ_Absolute', coords: ext(1.0, 2.0, 3.0, 6.0), hardware: 'Doric FP console (2 sites)', consumable: 'MFC_400/430-0.48_5mm_MF2.5_FLT' },
  { setup: 'fp', name: 'Thorlabs LEDD1B LED driver (465 nm)', type: 'LedDriver', notes: 'Modulated sinusoidally', system: 'External_XYZ_Absolute', coords: ext(1.1, 0.3, 0.8) },
  { setup: 'fp', name: 'Thorlabs M405FP1 LED (isosbestic)', type: 'LightEmitter', notes: '', system: 'External_XYZ_Absolute', coords: ext(1.1, 0.35, 0.8) },
  { setup: 'fp', name: 'Newport 2151 femtowatt photoreceiver', type: 'Photodetector', notes: 'DC mode', system: 'External_XYZ_Absolute', coords: ext(1.0, 0.4, 0.8) },
  { setup: 'fp', name: 'Thorlabs PM100D (power check)', type: 'LightSensor', notes: 'Weekly power calibration at fiber tip: 30 µW', system: 'External_XYZ_Absolute', coords: ext(1.2, 0.4, 0.8), hardware: 'Thorlabs PM100D power meter' },
  { setup: 'fp', name: 'Med Associates operant chamber', type: 'BehaviorRig', notes: 'Two levers, pellet dispenser', system: 'External_XYZ_Absolute', coords: ext(0.4, 0.6, 0.75) },
  // Behaviour boxes
  { setup: 'behavior', name: 'Bpod State Machine r2 (box 1)', type: 'Microcontroller', notes: 'Firmware v23', system: 'External_XYZ_Absolute', coords: ext(0.2, 0.1, 1.1) },
  { setup: 'behavior', name: 'Bpod State Machine r2 (box 2)', type: 'Microcontroller', notes: 'Firmware v23', system: 'External_XYZ_Absolute', coords: ext(0.8, 0.1, 1.1) },
  { setup: 'behavior', name: 'Raspberry Pi 4 video logger', type: 'SingleBoardComputer', notes: 'Records all six boxes at 30 fps', system: 'External_XYZ_Absolute', coords: ext(1.6, 0.1, 1.8) },
  { setup: 'behavior', name: 'Avisoft UltraSoundGate microphone', type: 'Microphone', notes: 'USV recordings, 250 kHz', system: 'External_XYZ_Absolute', coords: ext(0.5, 0.3, 1.4) },
  { setup: 'behavior', name: 'Harman Kardon speaker (tone cues)', type: 'Speaker', notes: 'Calibrated to 70 dB SPL', system: 'External_XYZ_Absolute', coords: ext(0.5, 0.35, 1.3) },
  { setup: 'behavior', name: 'Sound-attenuating cubicle (box 3)', type: 'NoiseIsolationChamber', notes: '', system: 'External_XYZ_Absolute', coords: ext(1.4, 0.0, 0.0) },
  { setup: 'behavior', name: 'DHT22 temperature/humidity logger', type: 'HumiditySensor', notes: 'Logged every 5 min', system: 'External_XYZ_Absolute', coords: ext(1.0, 0.0, 2.0) },
  // Surgery
  { setup: 'surgery', name: 'Kopf Model 940 stereotaxic frame', type: 'StereotaxicFrame', notes: 'Digital readout, ear bars 45°', system: 'Stereotaxic_BregmaAbsolute', coords: { apCoordinate: 0, mlCoordinate: 0, dvCoordinate: 0, apAngle: 0, mlAngle: 0, dvAngle: 0 }, date: '2022-06-14T08:00:00Z' },
  { setup: 'surgery', name: 'Nanoject III injector', type: 'InjectionSystem', notes: 'VTA injections: 300 nL at 1 nL/s', system: 'Stereotaxic_BregmaAbsolute', coords: { apCoordinate: -3.2, mlCoordinate: 0.5, dvCoordinate: -4.4, apAngle: 0, mlAngle: 0, dvAngle: 0 }, consumable: 'Hamilton Neuros syringe 10 µL, 33 G' },
  { setup: 'surgery', name: 'Foredom K.1070 micro drill', type: 'SurgicalPowerTool', notes: '0.5 mm burr', system: 'Stereotaxic_LambdaAbsolute', coords: { apCoordinate: 0.5, mlCoordinate: -1.0, dvCoordinate: 0 } },
  { setup: 'surgery', name: 'SomnoSuite isoflurane system', type: 'AnesthesiaSystem', notes: 'Induction 3%, maintenance 1.5%', system: 'External_XYZ_Absolute', coords: ext(0.6, 0.2, 0.9) },
  { setup: 'surgery', name: 'Harvard Apparatus homeothermic blanket', type: 'ThermalController', notes: 'Set to 37 °C', system: 'External_XYZ_Absolute', coords: ext(0.3, 0.3, 0.9) },
  { setup: 'surgery', name: 'Sutter P-97 micropipette puller', type: 'GlassMicropipettePuller', notes: 'Program 12 for injection pipettes', system: 'External_XYZ_Absolute', coords: ext(2.0, 0.5, 0.9) },
  { setup: 'surgery', name: 'Fiber implant NAc (left)', type: 'ElectronicComponent', notes: 'Standard target for DA photometry', system: 'Stereotaxic_BregmaBrainSurface', coords: { apCoordinate: { value: 1.3, unit: 'mm' }, mlCoordinate: { value: 1.0, unit: 'mm' }, depth: { value: 4.2, unit: 'mm' }, apAngle: { value: 0, unit: '°' } }, consumable: 'MFC_200/245-0.37_3mm_ZF1.25_FLT' },
  // Miniscope arena (other's setup)
  { setup: 'miniscope', name: 'UCLA Miniscope v4', type: 'Miniscope', notes: 'EWL focus 0-255, 30 fps', system: 'CCF_XYZ_Absolute', coords: { x: 8.6, y: 3.2, z: 5.7 }, consumable: 'GRIN lens 1.0 mm x 4.0 mm' },
  { setup: 'miniscope', name: 'Miniscope DAQ v3.3', type: 'DataAcquisitionSystem', notes: '', system: 'External_XYZ_Absolute', coords: ext(1.0, 0.0, 1.5) },
  { setup: 'miniscope', name: 'Basler acA1300 overhead camera', type: 'MotionTrackingSystem', notes: 'DeepLabCut tracking', system: 'External_XYZ_Absolute', coords: ext(0.25, 0.25, 1.6) },
  { setup: 'miniscope', name: 'Open field arena 50 x 50 cm', type: 'BehaviorRig', notes: 'White acrylic, cleaned with 70% EtOH', system: 'External_XYZ_Absolute', coords: ext(0, 0, 0.8) },
];

const versionFor = (coords: Record<string, unknown>) =>
  Object.values(coords).some((v) => typeof v === 'object' && v !== null) ? COORDINATES_VALUE_UNIT_SCHEMA_VERSION : DEFAULT_SCHEMA_VERSION;

/** Fills an empty store with the demo lab. */
export function seedDemoData(store: BrainstemStore): void {
  const random = createRandom(DEMO_SEED);
  const uuid = () => seededUuid(random);

  const setupIds = new Map<string, string>();
  for (const s of SETUPS) {
    const row: SetupRow = {
      id: uuid(),
      name: s.name,
      location: s.location,
      description: s.description,
      setup_type: SETUP_TYPES[s.type],
      specifications: s.specifications,
      is_public: s.isPublic,
      image: null,
      contributors: s.contributors,
      readers: s.readers,
    };
    setupIds.set(s.key, row.id);
    store.setups.set(row);
  }

  const supplierIds = new Map<string, string>();
  for (const [name, description, website] of SUPPLIERS) {
    const row: SupplierRow = { id: uuid(), name, description, website };
    supplierIds.set(name, row.id);
    store.suppliers.set(row);
  }

  const hardwareIds = new Map<string, string>();
  for (const [name, description, supplier, rrid] of HARDWARE) {
    const row: HardwareDeviceRow = {
      id: uuid(),
      name,
      description,
      supplier: supplierIds.get(supplier)!,
      rrid,
      rrid_url: rridUrl(rrid),
      external_identifiers: [],
    };
    hardwareIds.set(name, row.id);
    store.hardwaredevices.set(row);
  }

  const consumableIds = new Map<string, string>();
  for (const [name, type, supplier, description, details, rrid = '', ids = []] of CONSUMABLES) {
    const row: ConsumableRow = {
      id: uuid(),
      name,
      description,
      supplier: supplierIds.get(supplier)!,
      type,
      rrid,
      rrid_url: rridUrl(rrid),
      external_identifiers: ids,
      details,
    };
    consumableIds.set(name, row.id);
    store.consumables.set(row);
  }

  for (const e of EQUIPMENT) {
    const row: EquipmentRow = {
      id: uuid(),
      name: e.name,
      type: e.type,
      notes: e.notes,
      setup: setupIds.get(e.setup)!,
      date_time: e.date ?? null,
      consumable: e.consumable ? consumableIds.get(e.consumable)! : null,
      hardwaredevice: e.hardware ? hardwareIds.get(e.hardware)! : null,
      details: {},
      type_schema_version: DEFAULT_SCHEMA_VERSION,
      coordinates_system: e.system,
      coordinates_details: e.coords,
      coordinates_schema_version: versionFor(e.coords),
    };
    store.equipment.set(row);
  }

  // Submissions in every state, from both contributors.
  const addApproval = (fields: Record<string, unknown>, extra: Partial<ApprovalRow> & Pick<ApprovalRow, 'submitted_by'>) => {
    const rrid = (fields.rrid as string | undefined) ?? '';
    const row: ApprovalRow = {
      name: fields.name as string,
      description: '',
      ...fields,
      rrid,
      rrid_url: rridUrl(rrid),
      external_identifiers: [],
      comments: '',
      instance_id: null,
      action: 'Add',
      reviewer: null,
      status: 'Pending',
      ...extra,
      id: uuid(), // last: the spread fields may carry the live record's id
    };
    store.approvals.consumable.set(row);
  };
  addApproval(
    { name: 'AAV9-CAG-FLEX-tdTomato', description: 'Cre-dependent red reporter.', supplier: supplierIds.get('Addgene'), type: 'VirusConstruct', details: { virus_type: 'AAV', serotype: '9' }, rrid: 'RRID:Addgene_28306' },
    { submitted_by: member, comments: 'Needed for the retrograde labelling pilot.' },
  );
  addApproval(
    { name: 'ASSY-156 P1', description: '64-channel, 2-shank probe for chronic implants.', supplier: supplierIds.get('Cambridge NeuroTech'), type: 'SiliconProbeDesign', details: { product_id: 'ASSY-156 P1', nChannels: 64, nShanks: 2 } },
    { submitted_by: other },
  );
  const pfa = store.consumables.all().find((c) => c.name.startsWith('Paraformaldehyde'))!;
  addApproval(
    { ...pfa, description: 'Perfusion fixative; dilute to 4% in 0.1 M PB, prepare fresh weekly.' },
    { submitted_by: member, action: 'Change', instance_id: pfa.id, comments: 'Clarified the buffer.' },
  );
  const dii = store.consumables.all().find((c) => c.name.startsWith('DiI'))!;
  addApproval({ ...dii }, { submitted_by: member, action: 'Add', status: 'Accepted', reviewer: admin, instance_id: dii.id });
  addApproval(
    { name: 'Generic saline', description: 'Duplicate of the existing saline entry.', supplier: supplierIds.get('Thermo Fisher Scientific'), type: 'PhysiologicalSolution', details: {} },
    { submitted_by: other, status: 'Rejected', reviewer: admin, comments: 'Please use "Sterile saline 0.9% NaCl".' },
  );

  store.approvals.supplier.set({
    id: uuid(),
    name: 'Inscopix',
    description: 'Miniature microscopes and GRIN lenses.',
    website: 'https://www.inscopix.com',
    comments: 'Supplier of our nVista lenses.',
    instance_id: null,
    action: 'Add',
    reviewer: null,
    status: 'Pending',
    submitted_by: other,
  });
  store.touch();
}

const GENERATED_MODELS: Array<[string, (typeof EQUIPMENT_TYPES)[number]]> = [
  ['Intan RHD 64ch amplifier', 'Amplifier'],
  ['Sutter MP-285 micromanipulator', 'Micromanipulator'],
  ['Scientifica PatchStar manipulator', 'Micromanipulator'],
  ['FLIR Blackfly S camera', 'Camera'],
  ['Basler ace 2 camera', 'Camera'],
  ['NI USB-6343 DAQ', 'DataAcquisitionSystem'],
  ['Thorlabs M470F3 LED', 'LightEmitter'],
  ['Thorlabs LEDD1B driver', 'LedDriver'],
  ['Cobolt 473 nm laser', 'Laser'],
  ['Bpod State Machine r2', 'Microcontroller'],
  ['Arduino Mega 2560', 'Microcontroller'],
  ['Raspberry Pi 4 logger', 'SingleBoardComputer'],
  ['Kopf 940 stereotaxic frame', 'StereotaxicFrame'],
  ['Nanoject III injector', 'InjectionSystem'],
  ['Running wheel encoder', 'RunningWheel'],
  ['Avisoft USV microphone', 'Microphone'],
  ['Tektronix oscilloscope', 'Oscilloscope'],
  ['UCLA Miniscope v4', 'Miniscope'],
  ['Doric FP console', 'FiberPhotometrySystem'],
  ['A-M Systems 2100 stimulator', 'StimulationDevice'],
];

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function generatedCoordinates(random: Random, system: CoordinateSystem): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of COORDINATE_SYSTEMS[system]) {
    if (key.kind === 'angle') out[key.name] = random.chance(0.7) ? 0 : random.int(-45, 90);
    else if (system === 'External_XYZ_Absolute') out[key.name] = round(random.next() * 3, 3);
    else if (key.name === 'dvCoordinate') out[key.name] = round(-random.next() * 6);
    else if (key.name === 'depth') out[key.name] = round(random.next() * 6);
    else if (system === 'CCF_XYZ_Absolute') out[key.name] = round(random.next() * 11);
    else out[key.name] = round(random.next() * 8 - 4);
  }
  return out;
}

/** `options.records` extra equipment rows, deterministic from `seed`; about 1 s per million rows. */
export function addGeneratedEquipment(store: BrainstemStore, count: number, seed: number): void {
  const random = createRandom(seed);
  const setups = store.setups.all();
  const systems = Object.keys(COORDINATE_SYSTEMS) as CoordinateSystem[];
  const start = Date.UTC(2021, 0, 1);
  for (let i = 0; i < count; i++) {
    const [model, type] = random.pick(GENERATED_MODELS);
    const system = random.chance(0.6) ? 'External_XYZ_Absolute' : random.pick(systems);
    const row: EquipmentRow = {
      id: seededUuid(random),
      name: `${model} #${String(i + 1).padStart(String(count).length, '0')}`,
      type,
      notes: random.chance(0.3) ? `Serial ${random.int(100000, 999999)}` : '',
      setup: random.pick(setups).id,
      date_time: random.chance(0.5) ? new Date(start + random.int(0, 4 * 365 * 24) * 3_600_000).toISOString().replace('.000Z', 'Z') : null,
      consumable: null,
      hardwaredevice: null,
      details: {},
      type_schema_version: DEFAULT_SCHEMA_VERSION,
      coordinates_system: system,
      coordinates_details: generatedCoordinates(random, system),
      coordinates_schema_version: DEFAULT_SCHEMA_VERSION,
    };
    store.equipment.set(row);
  }
  store.touch();
}
