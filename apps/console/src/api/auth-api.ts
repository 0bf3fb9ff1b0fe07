import type { Page } from './config-api.js';
import { callJson, callRest } from './http.js';
import type { Session } from './session.js';

export async function login(username: string, password: string): Promise<Session> {
  const answer = await callJson<{
    accessToken: string;
    tokenTtl: number;
    globalAdmin: boolean;
    username?: string;
  }>('POST', 'v1/auth/login', { username, password });
  return {
    accessToken: answer.accessToken,
    username: answer.username ?? username,
    globalAdmin: answer.globalAdmin,
    // A minute early, so a page never starts a call with a token about to expire.
    expiresAt: Date.now() + Math.max(0, answer.tokenTtl - 60) * 1000,
  };
}

export interface RoleRow {
  readonly role: string;
  readonly username: string;
}

export interface PermissionRow {
  readonly role: string;
  readonly resource: string;
  readonly action: string;
}

const PAGE = { pageNo: 1, pageSize: 500 };

export const listUsers = () => callJson<Page<{ username: string }>>('GET', 'v1/auth/users', PAGE);
export const createUser = (username: string, password: string) =>
  callRest<null>('POST', 'v1/auth/users', { username, password });
export const deleteUser = (username: string) => callRest<null>('DELETE', 'v1/auth/users', { username });
export const changePassword = (username: string, newPassword: string) =>
  callRest<null>('PUT', 'v1/auth/users', { username, newPassword });

export const listRoles = () => callJson<Page<RoleRow>>('GET', 'v1/auth/roles', PAGE);
export const addRole = (role: string, username: string) =>
  callRest<null>('POST', 'v1/auth/roles', { role, username });
export const deleteRole = (role: string, username: string) =>
  callRest<null>('DELETE', 'v1/auth/roles', { role, username });

export const listPermissions = () => callJson<Page<PermissionRow>>('GET', 'v1/auth/permissions', PAGE);
export const addPermission = (p: PermissionRow) => callRest<null>('POST', 'v1/auth/permissions', { ...p });
export const deletePermission = (p: PermissionRow) =>
  callRest<null>('DELETE', 'v1/auth/permissions', { ...p });
