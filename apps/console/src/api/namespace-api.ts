import { call, callRest } from './http.js';

export interface Namespace {
  readonly namespace: string;
  readonly namespaceShowName: string;
  readonly namespaceDesc?: string;
  readonly quota: number;
  readonly configCount: number;
  readonly type: number;
}

export const listNamespaces = () => callRest<Namespace[]>('GET', 'v1/console/namespaces');

/** The namespace endpoints answer `true`, or `false` for a bad or taken id (HTTP 200). */
async function accepted(request: Promise<string>, refusal: string): Promise<void> {
  if ((await request).trim() !== 'true') throw new Error(refusal);
}

export const createNamespace = (id: string, name: string, desc: string) =>
  accepted(
    call('POST', 'v1/console/namespaces', {
      customNamespaceId: id,
      namespaceName: name,
      namespaceDesc: desc,
    }),
    'the namespace id is taken or invalid (letters, digits, _ and -)',
  );
export const updateNamespace = (id: string, name: string, desc: string) =>
  accepted(
    call('PUT', 'v1/console/namespaces', { namespace: id, namespaceShowName: name, namespaceDesc: desc }),
    'the namespace was not updated',
  );
export const deleteNamespace = (id: string) =>
  accepted(call('DELETE', 'v1/console/namespaces', { namespaceId: id }), 'the namespace was not deleted');
