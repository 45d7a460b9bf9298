import { Menu } from 'electron';
import { applicationMenuRoles } from '../shell-policy/app-menu';

/** The standard menus (shell-policy/app-menu.ts), so copy, paste and the rest work on every platform. */
export function installApplicationMenu(): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuRoles(process.platform).map((role) => ({ role }))));
}
