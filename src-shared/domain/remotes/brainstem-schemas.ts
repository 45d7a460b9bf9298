/**
 * BrainSTEM's published equipment vocabularies and JSON-schema checks (docs/remotes/brainstem.md): the 58
 * equipment types, the 6 coordinate systems with their keys, and the messages the server's Python
 * `jsonschema` gives, so the form shows the server's own words offline. Also the consumable types (docs/remotes/brainstem.md).
 */

/** The 58 equipment `type` values. Every one has schema version 1.0.0 and an empty, closed `details` schema. */
export const EQUIPMENT_TYPES = [
  'Amplifier',
  'AnesthesiaSystem',
  'AntiVibrationTable',
  'BehaviorRig',
  'BiosafetyCabinet',
  'Camera',
  'Computer',
  'DataAcquisitionSystem',
  'DrugDeliverySystem',
  'ElectroencephalographySystem',
  'ElectromyographyMachine',
  'ElectronicComponent',
  'EphysRig',
  'FiberPhotometrySystem',
  'FloatingAirPlatform',
  'ForcePlate',
  'FumeHood',
  'GlassMicropipettePuller',
  'HumidityController',
  'HumiditySensor',
  'InjectionSystem',
  'IontophoresisStimulator',
  'Laser',
  'LedDriver',
  'LightEmitter',
  'LightSensor',
  'MagneticResonanceImagingSystem',
  'MagnetoencephalographySystem',
  'Magnetometer',
  'Microcontroller',
  'Micromanipulator',
  'Microphone',
  'Microscope',
  'Miniscope',
  'Monitor',
  'MotionTrackingSystem',
  'NoiseIsolationChamber',
  'OnePhotonMicroscope',
  'OphysRig',
  'OpticalCoherenceTomography',
  'Oscilloscope',
  'PerfusionSystem',
  'Photodetector',
  'PressureSensor',
  'RunningWheel',
  'SignalProcessingUnit',
  'SingleBoardComputer',
  'SinglePhotonEmissionComputedTomography',
  'Speaker',
  'StereotaxicFrame',
  'StimulationDevice',
  'SurgicalPowerTool',
  'TemperatureSensor',
  'ThermalController',
  'ThreePhotonMicroscopy',
  'Treadmill',
  'TwoPhotonMicroscope',
  'UltrasoundImagingSystem',
] as const;
export type EquipmentType = (typeof EQUIPMENT_TYPES)[number];

/**
 * Consumable `type` keys (docs/remotes/brainstem.md): the four of the API doc, then the consumablestock keys for the
 * data-model page's newer types (their consumable keys are unpublished; these are the best guess).
 */
export const CONSUMABLE_TYPES = [
  'OpticFiberDesign',
  'SiliconProbeDesign',
  'VirusConstruct',
  'WireElectrode',
  'ChemicalReagent',
  'ConsumableDevice',
  'ImmunoReagent',
  'ImplantMaterial',
  'OpticalComponent',
  'PharmacologicalAgent',
  'PhysiologicalSolution',
  'SurgicalDisposable',
  'TracerDye',
] as const;
export type ConsumableType = (typeof CONSUMABLE_TYPES)[number];

/** The names the data-model page gives the consumable types. */
export const CONSUMABLE_TYPE_LABELS: Record<ConsumableType, string> = {
  OpticFiberDesign: 'Optic fiber design',
  SiliconProbeDesign: 'Silicon probe design',
  VirusConstruct: 'Virus construct',
  WireElectrode: 'Single wire electrode',
  ChemicalReagent: 'Chemical reagent',
  ConsumableDevice: 'Consumable device',
  ImmunoReagent: 'Antibody or immunoreagent',
  ImplantMaterial: 'Implant or fixation material',
  OpticalComponent: 'Optical component',
  PharmacologicalAgent: 'Pharmacological agent',
  PhysiologicalSolution: 'Physiological solution',
  SurgicalDisposable: 'Surgical disposable',
  TracerDye: 'Tracer or dye',
};

/** `{value, unit}` entries (coordinates schema 1.1.0) carry one of these units. */
export const LENGTH_UNITS = ['nm', 'µm', 'mm', 'm'] as const;
export const ANGLE_UNITS = ['°'] as const;
/** Bounds of every angle value (inclusive). */
export const ANGLE_MIN = -180;
export const ANGLE_MAX = 360;

export interface CoordinateKey {
  name: string;
  kind: 'length' | 'angle';
  /** The unit a plain number is in. */
  defaultUnit: string;
}

function keys(lengths: string[], lengthUnit: string, angles: string[]): readonly CoordinateKey[] {
  return [
    ...lengths.map((name) => ({ name, kind: 'length' as const, defaultUnit: lengthUnit })),
    ...angles.map((name) => ({ name, kind: 'angle' as const, defaultUnit: '°' })),
  ];
}

const XYZ_ANGLES = ['xAngle', 'yAngle', 'zAngle'];
const STEREO_ABSOLUTE = keys(['apCoordinate', 'mlCoordinate', 'dvCoordinate'], 'mm', ['apAngle', 'mlAngle', 'dvAngle']);
const STEREO_SURFACE = keys(['apCoordinate', 'mlCoordinate', 'depth'], 'mm', ['apAngle', 'mlAngle', 'rotation']);

/** The 6 `coordinates_system` values and the keys each allows in `coordinates_details` (none required). */
export const COORDINATE_SYSTEMS = {
  CCF_XYZ_Absolute: keys(['x', 'y', 'z'], 'mm', XYZ_ANGLES),
  External_XYZ_Absolute: keys(['x', 'y', 'z'], 'm', XYZ_ANGLES),
  Stereotaxic_BregmaAbsolute: STEREO_ABSOLUTE,
  Stereotaxic_LambdaAbsolute: STEREO_ABSOLUTE,
  Stereotaxic_BregmaBrainSurface: STEREO_SURFACE,
  Stereotaxic_LambdaBrainSurface: STEREO_SURFACE,
} as const satisfies Record<string, readonly CoordinateKey[]>;
export type CoordinateSystem = keyof typeof COORDINATE_SYSTEMS;
export const COORDINATE_SYSTEM_NAMES = Object.keys(COORDINATE_SYSTEMS) as CoordinateSystem[];

export const COORDINATE_SYSTEM_LABELS: Record<CoordinateSystem, string> = {
  CCF_XYZ_Absolute: 'Allen CCF, x/y/z (mm)',
  External_XYZ_Absolute: 'Room, x/y/z (m)',
  Stereotaxic_BregmaAbsolute: 'Stereotaxic from bregma, AP/ML/DV (mm)',
  Stereotaxic_LambdaAbsolute: 'Stereotaxic from lambda, AP/ML/DV (mm)',
  Stereotaxic_BregmaBrainSurface: 'Stereotaxic from bregma, depth below brain surface (mm)',
  Stereotaxic_LambdaBrainSurface: 'Stereotaxic from lambda, depth below brain surface (mm)',
};

export function isCoordinateSystem(value: unknown): value is CoordinateSystem {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(COORDINATE_SYSTEMS, value);
}

/** Python's repr, because the server's schema messages come from the Python `jsonschema` package. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function additionalPropertiesMessage(extra: string[]): string {
  return `Additional properties are not allowed (${extra.map(pyRepr).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`;
}

/** `details` against its type's schema: every type's schema is empty and closed, so only `{}` passes. */
export function equipmentDetailsErrors(details: unknown): string[] {
  if (!isPlainObject(details)) return [`${pyRepr(details)} is not of type 'object'`];
  const extra = Object.keys(details);
  return extra.length > 0 ? [additionalPropertiesMessage(extra)] : [];
}

/**
 * `coordinates_details` against its system's schema. Both published value shapes pass: a plain
 * number (schema 0.0.0, the API examples) and `{value, unit}` (schema 1.1.0). Messages are
 * jsonschema's, prefixed with the key so the technician can tell which value failed.
 */
export function coordinatesDetailsErrors(system: CoordinateSystem, details: unknown): string[] {
  if (!isPlainObject(details)) return [`${pyRepr(details)} is not of type 'object'`];
  const allowed = new Map<string, CoordinateKey>(COORDINATE_SYSTEMS[system].map((k) => [k.name, k]));
  const errors: string[] = [];
  const extra = Object.keys(details).filter((k) => !allowed.has(k));
  if (extra.length > 0) errors.push(additionalPropertiesMessage(extra));
  for (const [name, raw] of Object.entries(details)) {
    const key = allowed.get(name);
    if (!key) continue;
    let value: unknown = raw;
    if (isPlainObject(raw)) {
      const extraInner = Object.keys(raw).filter((k) => k !== 'value' && k !== 'unit');
      if (extraInner.length > 0) errors.push(`${name}: ${additionalPropertiesMessage(extraInner)}`);
      for (const required of ['value', 'unit']) {
        if (!(required in raw)) errors.push(`${name}: '${required}' is a required property`);
      }
      const units: readonly string[] = key.kind === 'angle' ? ANGLE_UNITS : LENGTH_UNITS;
      if ('unit' in raw && !units.includes(raw.unit as string)) {
        errors.push(`${name}: ${pyRepr(raw.unit)} is not one of ${pyRepr([...units])}`);
      }
      if (!('value' in raw)) continue;
      value = raw.value;
      if (!isNumber(value)) {
        errors.push(`${name}: ${pyRepr(value)} is not of type 'number'`);
        continue;
      }
    } else if (!isNumber(raw)) {
      errors.push(`${name}: ${pyRepr(raw)} is not valid under any of the given schemas`);
      continue;
    }
    if (key.kind === 'angle' && isNumber(value)) {
      if (value < ANGLE_MIN) errors.push(`${name}: ${value} is less than the minimum of ${ANGLE_MIN}`);
      if (value > ANGLE_MAX) errors.push(`${name}: ${value} is greater than the maximum of ${ANGLE_MAX}`);
    }
  }
  return errors;
}
