/**
 * The application menu, as Electron's standard roles (so the platform's own copy, paste, undo,
 * zoom, minimise, … and their shortcuts work; on macOS the Edit menu is what makes ⌘C/⌘V work at
 * all). Pure (test/unit/shell-policy.test.ts); src-main/electron/app-menu.ts builds it.
 */
export type MenuRole = 'appMenu' | 'fileMenu' | 'editMenu' | 'viewMenu' | 'windowMenu';

export function applicationMenuRoles(platform: string): MenuRole[] {
  return platform === 'darwin'
    ? ['appMenu', 'fileMenu', 'editMenu', 'viewMenu', 'windowMenu']
    : ['fileMenu', 'editMenu', 'viewMenu', 'windowMenu'];
}
