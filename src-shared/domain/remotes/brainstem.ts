import { brainstemConsumableProfile } from './brainstem-consumable';
import { brainstemEquipmentProfile } from './brainstem-equipment';
import type { SystemProfile } from './profile';

/**
 * BrainSTEM (www.brainstem.org): one connection with a Personal Access Token serves every
 * BrainSTEM kind; each kind is its own module (`brainstem-<kind>.ts`) listed here.
 */
export const brainstemProfile: SystemProfile = {
  system: 'brainstem',
  label: 'BrainSTEM',
  defaultBaseUrl: 'https://www.brainstem.org',
  settings: [
    {
      name: 'reviewer',
      label: 'This token belongs to a BrainSTEM administrator (review approvals, delete consumables)',
      required: false,
      input: 'checkbox',
    },
  ],
  kinds: [brainstemEquipmentProfile, brainstemConsumableProfile],
};
