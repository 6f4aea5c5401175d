import type { Session } from 'electron';

/**
 * Refuses every permission (camera, microphone, notifications, geolocation, HID, ...) the page
 * or anything else in the session might ask for: PatchLens needs none.
 *
 * @param session the session (Electron's defaultSession or a fake)
 */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
