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
  settings: [],
  kinds: [brainstemEquipmentProfile],
};
