import { z } from 'zod';
import type { Fields } from '../record-kinds';
import {
  ANGLE_MAX,
  ANGLE_MIN,
  ANGLE_UNITS,
  COORDINATE_SYSTEM_LABELS,
  COORDINATE_SYSTEM_NAMES,
  COORDINATE_SYSTEMS,
  coordinatesDetailsErrors,
  EQUIPMENT_TYPES,
  equipmentDetailsErrors,
  isCoordinateSystem,
  LENGTH_UNITS,
} from './brainstem-schemas';
import { charField, choiceField, dateTimeField, DRF, DrfErrors, pkField } from './brainstem-drf';
import { str, type CoordinateAxisSpec, type KindProfile } from './profile';

/**
 * BrainSTEM equipment (`modules/equipment`, docs/remotes/brainstem.md): the record as BenchSync keeps it,
 * and the server's validation of a whole record (what a POST must pass), mirrored so the form
 * shows the server's own messages offline. Whether the setup exists is checked by the core
 * against the setups pulled for the picker; whether the user may write to it only the server knows.
 */
export const EQUIPMENT_NOTES_MAX = 500;

/** The equipment fields BenchSync keeps, in the API's order (the id is the record's remote id). */
export const EQUIPMENT_FIELDS = [
  'name',
  'type',
  'notes',
  'setup',
  'date_time',
  'consumable',
  'hardwaredevice',
  'details',
  'coordinates_system',
  'coordinates_details',
] as const;

const REQUIRED = ['type', 'setup', 'coordinates_system'] as const;

export const brainstemEquipmentSchema: z.ZodType<Fields> = z.record(z.string(), z.unknown()).transform((raw, ctx) => {
  const errors = new DrfErrors();
  const has = (k: string) => Object.prototype.hasOwnProperty.call(raw, k) && raw[k] !== undefined;
  const out: Fields = {
    name: '',
    type: '',
    notes: '',
    setup: '',
    date_time: null,
    consumable: null,
    hardwaredevice: null,
    details: {},
    coordinates_system: '',
    coordinates_details: {},
  };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) out[k] = v;
  };
  if (has('name')) set('name', charField(errors, 'name', raw.name));
  if (has('type')) set('type', choiceField(errors, 'type', raw.type, EQUIPMENT_TYPES));
  if (has('notes')) set('notes', charField(errors, 'notes', raw.notes, EQUIPMENT_NOTES_MAX));
  if (has('setup')) set('setup', pkField(errors, 'setup', raw.setup, false));
  if (has('date_time')) set('date_time', dateTimeField(errors, 'date_time', raw.date_time));
  if (has('consumable')) set('consumable', pkField(errors, 'consumable', raw.consumable, true));
  if (has('hardwaredevice')) set('hardwaredevice', pkField(errors, 'hardwaredevice', raw.hardwaredevice, true));
  for (const json of ['details', 'coordinates_details'] as const) {
    if (!has(json)) continue;
    if (raw[json] === null) errors.add(json, DRF.null);
    else set(json, raw[json]);
  }
  if (has('coordinates_system')) set('coordinates_system', choiceField(errors, 'coordinates_system', raw.coordinates_system, COORDINATE_SYSTEM_NAMES));
  for (const field of REQUIRED) if (!has(field)) errors.add(field, DRF.required);

  // The model's clean(): the JSON fields against the schemas their type and system select.
  if (!errors.has('details') && !errors.has('type')) {
    for (const message of equipmentDetailsErrors(out.details)) errors.add('details', message);
  }
  if (!errors.has('coordinates_details') && !errors.has('coordinates_system') && isCoordinateSystem(out.coordinates_system)) {
    for (const message of coordinatesDetailsErrors(out.coordinates_system, out.coordinates_details)) errors.add('coordinates_details', message);
  }
  for (const [field, messages] of Object.entries(errors.map)) {
    for (const message of messages) ctx.addIssue({ code: 'custom', path: [field], message });
  }
  return out;
});

/** "TwoPhotonMicroscope" -> "Two photon microscope". */
function spaced(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').split(' ');
  return words.map((w, i) => (i === 0 ? w : w.toLowerCase())).join(' ');
}

const AXIS_LABELS: Record<string, string> = {
  apCoordinate: 'AP',
  mlCoordinate: 'ML',
  dvCoordinate: 'DV',
  depth: 'Depth',
  apAngle: 'AP angle',
  mlAngle: 'ML angle',
  dvAngle: 'DV angle',
  rotation: 'Rotation',
  xAngle: 'x angle',
  yAngle: 'y angle',
  zAngle: 'z angle',
};

const COORDINATE_AXES = Object.fromEntries(
  COORDINATE_SYSTEM_NAMES.map((system) => [
    system,
    COORDINATE_SYSTEMS[system].map(
      (k): CoordinateAxisSpec => ({
        key: k.name,
        label: AXIS_LABELS[k.name] ?? k.name,
        kind: k.kind,
        defaultUnit: k.defaultUnit,
        ...(k.kind === 'angle' ? { min: ANGLE_MIN, max: ANGLE_MAX } : {}),
      }),
    ),
  ]),
);

export const brainstemEquipmentProfile: KindProfile = {
  kind: 'equipment',
  label: 'Equipment',
  schema: brainstemEquipmentSchema,
  canCreate: true,
  canUpdate: true,
  canDelete: true,
  bulkFields: ['setup'],
  fields: [
    { name: 'name', label: 'Name', input: 'text', help: 'A descriptive name, e.g. “Two-photon rig”.' },
    {
      name: 'type',
      label: 'Type',
      input: 'select',
      required: true,
      options: EQUIPMENT_TYPES,
      optionLabels: Object.fromEntries(EQUIPMENT_TYPES.map((t) => [t, spaced(t)])),
    },
    {
      name: 'setup',
      label: 'Setup',
      input: 'select',
      required: true,
      options: { source: 'setups', invalid: 'Invalid pk "{value}" - object does not exist.' },
      help: 'The experimental setup it belongs to; you need to be a contributor of that setup to save. Setups BrainSTEM refused you writing to are not offered.',
    },
    {
      name: 'coordinates_system',
      label: 'Coordinate system',
      input: 'select',
      required: true,
      options: COORDINATE_SYSTEM_NAMES,
      optionLabels: COORDINATE_SYSTEM_LABELS,
    },
    {
      name: 'coordinates_details',
      label: 'Position',
      input: 'coordinates',
      coordinates: {
        systemField: 'coordinates_system',
        axes: COORDINATE_AXES,
        units: { length: LENGTH_UNITS, angle: ANGLE_UNITS },
      },
      help: 'All values optional. Angles in degrees, from -180 to 360.',
    },
    { name: 'notes', label: 'Notes', input: 'textarea', maxLength: EQUIPMENT_NOTES_MAX },
    { name: 'date_time', label: 'Date and time', input: 'datetime' },
    {
      name: 'details',
      label: 'Details',
      input: 'json',
      readOnly: true,
      help: 'No equipment type defines details yet, so BrainSTEM accepts only {}.',
    },
  ],
  quickActions: [{ id: 'move', label: 'Record new position', fields: ['coordinates_system', 'coordinates_details'] }],
  // Equipment inherits its setup's permission: members read, contributors create, edit and delete.
  writeScopeField: 'setup',
  // The type's words ("Two Photon Microscope"), so a search for "microscope" finds it.
  summarize: (f) => ({ title: str(f.name), subtitle: typeof f.type === 'string' ? spaced(f.type) : '', vendor: '', serial: '', notes: str(f.notes) }),
};
